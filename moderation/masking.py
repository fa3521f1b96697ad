"""Finds personal data in free text so it can be masked before anyone else sees it.

The same patterns keep phone numbers, identity numbers and exact coordinates out of the logs.
"""

import re

# Mainland mobile numbers, optionally +86-prefixed, written with or without spaces or dashes.
PHONE_NUMBER = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
# Resident identity numbers: 18 characters (last may be X) or the old 15-digit form.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# A degree value with four or more decimals pins a spot to about ten metres.
PRECISE_COORDINATE = re.compile(r"(?<![\d.])-?\d{1,3}\.\d{4,}(?![\d.])")

REDACTIONS = (
    (ID_NUMBER, "[id-number]"),
    (PHONE_NUMBER, "[phone]"),
    (PRECISE_COORDINATE, "[coordinate]"),
)


def redact_personal_data(text: str) -> str:
    """Replace every phone number, identity number and precise coordinate in text with a label.

    Args:
        text: anything that may be shown or logged.

    Returns:
        The text with each match replaced by "[phone]", "[id-number]" or "[coordinate]".
    """
    for pattern, label in REDACTIONS:
        text = pattern.sub(label, text)
    return text
