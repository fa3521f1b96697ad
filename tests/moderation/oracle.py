"""Reads a masked text back the way a stranger would, to judge whether a secret survived it.

Deliberately independent of moderation.masking: its own small table of how digits get written,
so a gap in the masker's reading is not also a gap in the judge's.
"""

import re
import unicodedata

# Every way the test notes write a digit, read back.
WRITTEN_DIGITS = {
    **dict.fromkeys("零〇洞", "0"),
    **dict.fromkeys("一壹幺弌", "1"),
    **dict.fromkeys("二贰貳两兩弍", "2"),
    **dict.fromkeys("三叁參弎", "3"),
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆陸", "6"),
    **dict.fromkeys("七柒拐", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖勾", "9"),
}
ENGLISH_DIGITS = re.compile(
    r"(?<![a-z])(zero|one|two|three|four|five|six|seven|eight|nine)(?![a-z])", re.IGNORECASE
)
ENGLISH_VALUES = {
    word: str(value)
    for value, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    )
}
# A reader takes O for 0 and l or I for 1 when they sit among digits.
LOOK_ALIKES = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}
# How many of a secret's digits must stay hidden, and where a window of them counts as read.
MUST_HIDE = {"mobile": 4, "id_number": 6, "qq": 5}
HANDLE_WINDOW = 3


def _digit(char: str) -> str | None:
    if char in WRITTEN_DIGITS:
        return WRITTEN_DIGITS[char]
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded.isdigit():
        return folded
    try:
        return str(unicodedata.digit(char))
    except ValueError:
        return None


def read(text: str) -> str:
    """The text as read aloud: digits however written become ASCII digits, invisible marks go."""
    text = ENGLISH_DIGITS.sub(lambda match: ENGLISH_VALUES[match[1].lower()], text)
    chars = [
        char
        for char in text
        if unicodedata.category(char) not in ("Mn", "Me", "Cf") and char != "\ufe0f"
    ]
    digits = [_digit(char) for char in chars]
    out = []
    for index, char in enumerate(chars):
        if digits[index] is not None:
            out.append(digits[index])
        elif char in LOOK_ALIKES and _among_digits(digits, chars, index):
            out.append(LOOK_ALIKES[char])
        else:
            out.append(unicodedata.normalize("NFKC", char))
    return "".join(out)


def _among_digits(digits: list, chars: list[str], index: int) -> bool:
    """A look-alike with a digit on either side, perhaps through more look-alikes, and not a
    letter of a word (tel, Lot)."""
    for step in (-1, 1):
        position = index + step
        while (
            0 <= position < len(chars) and chars[position].isascii() and (chars[position].isalpha())
        ):
            if chars[position] not in LOOK_ALIKES:
                return False
            position += step
    for step in (-1, 1):
        position = index + step
        while (
            0 <= position < len(chars)
            and digits[position] is None
            and chars[position] in (LOOK_ALIKES)
        ):
            position += step
        if 0 <= position < len(chars) and digits[position] is not None:
            return True
    return False


def digit_stream(text: str) -> str:
    """Every digit a reader sees in text, in order."""
    return "".join(char for char in read(text) if char.isascii() and char.isdigit())


def digit_runs(text: str) -> list[str]:
    """The numbers a reader sees: digits written next to each other."""
    return re.findall(r"[0-9]+", read(text))


def alnum_stream(text: str) -> str:
    """Every letter and digit a reader sees, lower case, in order."""
    return "".join(char for char in read(text).lower() if char.isascii() and char.isalnum())


def windows(secret: str, width: int) -> set[str]:
    width = min(width, len(secret))
    return {secret[start : start + width] for start in range(len(secret) - width + 1)}


def hidden_part(kind: str, secret: str) -> tuple[str, int]:
    """The digits of a secret a mask must hide, and how many of them in a row give it away.

    A mobile's mask may show 3 + 4 digits (138****8000), a landline's the area code and the last
    four, an identity number's first and last four; a QQ number shows nothing.
    """
    digits = digit_stream(secret)
    if kind == "mobile":
        return digits[3:7], MUST_HIDE["mobile"]
    if kind == "landline":
        local = secret.split("-")[-1]
        return local[:-4], len(local) - 4
    if kind == "id_number":
        return digits[4:14], MUST_HIDE["id_number"]
    return digits, MUST_HIDE["qq"]


def survives(kind: str, secret: str, masked: str) -> bool:
    """Whether a reader of masked can still read the part of secret that masking must hide.

    Args:
        kind: mobile, landline (secret "area-local" or just "local"), id_number, qq, wechat,
            email (secret: the user name), or address_detail (secret: the numbers of the
            building, unit, house and room, separated by "/").
        secret: the personal datum the text was written around.
        masked: the text as the public sees it.
    """
    if kind == "address_detail":
        runs = set(digit_runs(masked))
        return any(number in runs for number in secret.split("/"))
    if kind in ("wechat", "email"):
        stream = alnum_stream(masked)
        return any(window in stream for window in windows(alnum_stream(secret), HANDLE_WINDOW))
    hidden, width = hidden_part(kind, secret)
    stream = digit_stream(masked)
    return any(window in stream for window in windows(hidden, width))


# Personal data as a stranger would spot it in a log line, digits however written; a token glued
# to letters (a request id, a hash) is not read as one.
_APART = r"(?<![0-9A-Za-z])"
_ENDS = r"(?![0-9A-Za-z])"
SPOTTED = re.compile(
    rf"{_APART}(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){{8}}{_ENDS}"
    rf"|{_APART}[1-8]\d{{5}}(?:18|19|20)\d\d[01]\d[0-3]\d\d{{3}}[\dXx]{_ENDS}"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def personal_data_in(text: str) -> list[str]:
    """The phone numbers, identity numbers and emails a reader finds in text."""
    return SPOTTED.findall(read(text))
