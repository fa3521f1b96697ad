"""Reads numbers the way people write them to slip past a filter.

Full-width digits, Chinese numerals for single digits (一三八, 壹叁捌, 幺, 洞, 拐) and separators
inside a number are read as plain digits, but only as raw material: a run becomes a number only
when the detectors in moderation.masking find it forms one, so 一盒, 两片 or 叁盒 are never turned
into digits.
"""

import unicodedata
from dataclasses import dataclass

# Digits written as characters; 幺, 洞 and 拐 are how 1, 0 and 7 are read out on the phone, and
# the capital (financial) numerals, simplified and traditional, are written to dodge filters. 拾 is
# ten, never a digit of a number read out digit by digit, so it is not here.
CAPITAL_DIGITS = {
    "壹": "1",
    "贰": "2",
    "貳": "2",
    "叁": "3",
    "參": "3",
    "肆": "4",
    "伍": "5",
    "陆": "6",
    "陸": "6",
    "柒": "7",
    "捌": "8",
    "玖": "9",
}
CHINESE_DIGITS = {
    **CAPITAL_DIGITS,
    "零": "0",
    "〇": "0",
    "洞": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "拐": "7",
    "八": "8",
    "九": "9",
}
# Characters people put inside one number to break it up (after NFKC folding).
SEPARATORS = frozenset(" \t-‐‑–—./,、·・()")
# More separators than this in a row end the number ("138 ... 8000" is a split number instead).
MAX_SEPARATORS = 3


@dataclass(frozen=True)
class Group:
    """Digits written together, with where each digit sits in the normalised text."""

    digits: str
    positions: tuple[int, ...]
    glued_left: bool
    glued_right: bool

    @property
    def start(self) -> int:
        return self.positions[0]

    @property
    def end(self) -> int:
        return self.positions[-1] + 1


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold text with NFKC one character at a time, remembering where each folded one came from.

    Args:
        text: the original text.

    Returns:
        The folded text and, for each of its characters, the index of the original character.
    """
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char):
            folded.append(part)
            origin.append(index)
    return "".join(folded), origin


def digit_value(char: str) -> str | None:
    """The ASCII digit a character stands for, or None."""
    if "0" <= char <= "9":
        return char
    return CHINESE_DIGITS.get(char)


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def read_group(norm: str, start: int, claimed: list[bool]) -> Group | None:
    """The group of digits starting at start, or None when no unclaimed digit is there.

    A trailing X or x right after ASCII digits is kept as a digit, as written, for identity
    numbers.
    """
    digits: list[str] = []
    positions: list[int] = []
    index = start
    while index < len(norm) and not claimed[index] and digit_value(norm[index]):
        digits.append(digit_value(norm[index]))
        positions.append(index)
        index += 1
    if not digits:
        return None
    following = norm[index] if index < len(norm) else ""
    after_x = norm[index + 1] if index + 1 < len(norm) else ""
    ends_in_x = following in ("X", "x") and norm[index - 1].isdigit()
    if ends_in_x and not claimed[index] and not _is_ascii_alnum(after_x):
        digits.append(following)
        positions.append(index)
        index += 1
        following = after_x
    before = norm[start - 1] if start > 0 else ""
    return Group(
        digits="".join(digits),
        positions=tuple(positions),
        glued_left=_is_ascii_alnum(before) or before == "_",
        glued_right=_is_ascii_alnum(following) or following == "_",
    )


def run_at(norm: str, start: int, claimed: list[bool]) -> list[Group] | None:
    """The groups of digits from start on that a few separators join into one run, or None.

    Args:
        norm: normalised text from normalise().
        start: where the run must begin.
        claimed: True where a finding already covers the character; such characters end a run.
    """
    group = read_group(norm, start, claimed)
    if group is None:
        return None
    run = [group]
    while True:
        index = gap = run[-1].end
        while gap < len(norm) and norm[gap] in SEPARATORS and gap - index < MAX_SEPARATORS:
            gap += 1
        following = read_group(norm, gap, claimed) if gap > index else None
        if following is None:
            return run
        run.append(following)


def digit_runs(norm: str, claimed: list[bool]) -> list[list[Group]]:
    """Every run of digits (see run_at) in the normalised text, in order of appearance."""
    runs: list[list[Group]] = []
    index = 0
    while index < len(norm):
        run = run_at(norm, index, claimed)
        if run is None:
            index += 1
            continue
        runs.append(run)
        index = run[-1].end
    return runs
