"""Resident identity numbers: their check character, and the keyed hash that is all we keep."""

import hashlib
import hmac

# GB 11643-1999: weights of the first 17 digits and the check character for each remainder mod 11.
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def check_character(first_17_digits: str) -> str:
    """The 18th character that GB 11643-1999 requires after the given 17 digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17_digits, CHECK_WEIGHTS, strict=True)
    )
    return CHECK_CHARACTERS[total % 11]


def id_number_digest(id_number: str, key: str) -> bytes:
    """HMAC-SHA256 of a normalised identity number: comparable, never reversible without the key."""
    return hmac.new(key.encode(), id_number.strip().upper().encode(), hashlib.sha256).digest()
