"""Mainland mobile numbers and WeChat openids: normalised, masked, and hashed for look-up."""

import hashlib
import hmac
import re

# What may sit between a number's digits: spaces, dashes and brackets, as people write them.
SEPARATOR = "[ ()-]*"
# A mainland mobile number as written: 11 digits from 13x to 19x, optionally after +86, 0086
# or 86, separators anywhere. One pattern, in the subset of regular expressions both Python
# and JSON Schema read, so the OpenAPI document states exactly what is accepted ([0-9], as
# Python's \d would take any script's digits).
MAINLAND_MOBILE_PATTERN = (
    f"^{SEPARATOR}(?:(?:\\+{SEPARATOR}8{SEPARATOR}6|0{SEPARATOR}0{SEPARATOR}8{SEPARATOR}6"
    f"|8{SEPARATOR}6){SEPARATOR})?1{SEPARATOR}[3-9](?:{SEPARATOR}[0-9]){{9}}{SEPARATOR}$"
)
MAINLAND_MOBILE = re.compile(MAINLAND_MOBILE_PATTERN)
NUMBER_SEPARATORS = re.compile("[ ()-]")
MOBILE_DIGITS = 11


class NotAMainlandMobile(ValueError):
    """The text is not a mainland China mobile number."""


def normalise_mainland_mobile(text: str) -> str:
    """The 11-digit form of a mainland mobile number written with spaces, dashes or +86.

    Raises:
        NotAMainlandMobile: when the text is not MAINLAND_MOBILE_PATTERN.
    """
    if not MAINLAND_MOBILE.fullmatch(text):
        raise NotAMainlandMobile(text)
    # The number is the last 11 digits, after any country prefix.
    return NUMBER_SEPARATORS.sub("", text)[-MOBILE_DIGITS:]


def mask_mobile(mobile: str) -> str:
    """138****8000: enough for its owner to recognise, not enough to call."""
    return f"{mobile[:3]}****{mobile[-4:]}"


def lookup_digest(kind: str, value: str, key: str) -> bytes:
    """HMAC-SHA256 of a normalised value; kind ("mobile", "openid") keeps the two apart."""
    return hmac.new(key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).digest()
