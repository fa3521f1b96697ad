"""Mainland mobile numbers and WeChat openids: normalised, masked, and hashed for look-up."""

import hashlib
import hmac
import re

# A mainland mobile number: 11 digits from 13x to 19x, optionally written with +86 / 0086.
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
NUMBER_SEPARATORS = re.compile(r"[\s\-()]")
COUNTRY_PREFIXES = ("+86", "0086", "86")


class NotAMainlandMobile(ValueError):
    """The text is not a mainland China mobile number."""


def normalise_mainland_mobile(text: str) -> str:
    """The 11-digit form of a mainland mobile number written with spaces, dashes or +86.

    Raises:
        NotAMainlandMobile: when what is left is not 11 digits starting 13-19.
    """
    digits = NUMBER_SEPARATORS.sub("", text)
    for prefix in COUNTRY_PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not MAINLAND_MOBILE.fullmatch(digits):
        raise NotAMainlandMobile(text)
    return digits


def mask_mobile(mobile: str) -> str:
    """138****8000: enough for its owner to recognise, not enough to call."""
    return f"{mobile[:3]}****{mobile[-4:]}"


def lookup_digest(kind: str, value: str, key: str) -> bytes:
    """HMAC-SHA256 of a normalised value; kind ("mobile", "openid") keeps the two apart."""
    return hmac.new(key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).digest()
