"""Partner keys as text: `msk_<live|test>_<public id>_<secret>`.

The prefix lets anyone who finds a key (in a repository, a log, a page) recognise it and scan for
it; the public id finds its row by an index; only a SHA-256 of the secret is stored.
"""

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass

from app.partners.models import PUBLIC_ID_LENGTH

PREFIX = "msk"
SECRET_LENGTH = 32
# Letters only: a public id is logged with every request, and letters never look like a phone.
PUBLIC_ID_ALPHABET = string.ascii_lowercase
SECRET_ALPHABET = string.ascii_letters + string.digits
PUBLIC_ID_FORM = rf"[a-z]{{{PUBLIC_ID_LENGTH}}}"
PUBLIC_ID_PATTERN = re.compile(PUBLIC_ID_FORM)
KEY_PATTERN = re.compile(
    rf"{PREFIX}_(live|test)_({PUBLIC_ID_FORM})_([A-Za-z0-9]{{{SECRET_LENGTH}}})"
)


@dataclass(frozen=True)
class KeyText:
    """A key's three parts. str() of it is the key as the partner sends it."""

    environment: str
    public_id: str
    secret: str

    def __str__(self) -> str:
        return f"{PREFIX}_{self.environment}_{self.public_id}_{self.secret}"

    def __repr__(self) -> str:
        # Never the secret, should a key end up in a traceback or a log line.
        return f"KeyText({self.environment!r}, {self.public_id!r}, secret=...)"

    @property
    def secret_sha256(self) -> str:
        return secret_digest(self.secret)


def new_key(environment: str) -> KeyText:
    """A fresh random key for this deployment's environment ("live" or "test")."""
    return KeyText(
        environment,
        "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH)),
        "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH)),
    )


def read_key(text: str) -> KeyText | None:
    """The parts of a key as sent, or None when it is not a MedShare key at all."""
    match = KEY_PATTERN.fullmatch(text.strip())
    return KeyText(*match.groups()) if match else None


def is_public_id(text: str) -> bool:
    """Whether text has the form of a key's public id (the H5 page's ?partner= names one)."""
    return PUBLIC_ID_PATTERN.fullmatch(text) is not None


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def secret_matches(secret: str, stored_sha256: str) -> bool:
    """Whether secret is the one stored, compared in constant time."""
    return hmac.compare_digest(secret_digest(secret), stored_sha256)
