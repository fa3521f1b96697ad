"""Finds personal data in free text so it can be masked before anyone else sees it.

Detection reads a normalised copy of the text (full-width folded, Chinese digit numerals and
separators read through, see moderation.digits) and maps every finding back to the original text,
so the public sees the note as written with only the personal parts masked. The same detectors keep
phone numbers, identity numbers and exact coordinates out of the logs.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from moderation.digits import CHINESE_DIGITS, normalise, run_at
from moderation.numbers import find_numbers

# The version of these rules. Masked text is stored with the version it was masked under, so
# raise it whenever a change masks anything differently: rows of an older version are masked
# again (see app/posts), and no improvement leaves stale public text behind.
MASKING_VERSION = 1
KINDS = (
    "mobile",
    "landline",
    "id_number",
    "wechat",
    "qq",
    "email",
    "address_detail",
    "coordinate",
)
# What the logs show instead; wechat and qq handles are left out there because random request
# ids and tokens contain "wx" or "qq" followed by letters often enough to be mangled.
LOG_LABELS = {
    "mobile": "[phone]",
    "landline": "[phone]",
    "id_number": "[id-number]",
    "email": "[email]",
    "coordinate": "[coordinate]",
}
HANDLE_MASK = "****"
COORDINATE_MASK = "[位置]"

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
# Three decimals of a degree is about 100 m, finer than the square's 500 m grid. A unit or a
# currency sign after or before it makes it a dose or a price instead.
DECIMAL_DEGREES = re.compile(
    r"(?<![\d.¥$])-?(\d{1,3})\.\d{3,}(?![\d.])"
    r"(?!\s*(?:(?:mg|g|kg|ml|l|ug|μg|iu|ms|s|m|km)(?![A-Za-z])|[%元块克毫升片粒支盒瓶袋度℃]))",
    re.IGNORECASE,
)
DEGREES_MINUTES_SECONDS = re.compile(
    r"(?:[NSEW北南东西]纬?经?\s*)?\d{1,3}\s*°\s*\d{1,2}(?:\.\d+)?\s*['′]"
    r"(?:\s*\d{1,2}(?:\.\d+)?\s*(?:\"|″|′′|''))?(?:\s*[NSEW](?![A-Za-z])|[北南东西](?![纬经]))?",
)
LARGEST_DEGREE = 180
# Words people use for WeChat and QQ, including the ones meant to slip past a filter; a space
# between the characters of a Chinese one (微 信) is one more such way.
WECHAT_WORDS = (
    r"微\s?信号?|[威薇维]\s?信号?|[Vv]\s?信|(?i:vx|wx|wechat|weixin)"
    r"|绿\s?泡\s?泡|加[Vv](?![A-Za-z])"
)
QQ_WORDS = r"(?i:qq)|[扣叩]\s?[扣叩]|企\s?鹅|[Qq]\s?(?=号)"
HANDLE_LEAD = r"(?<![A-Za-z])(?:{words})(?:号码?)?\s*[:：=]?\s*(?:是|为)?\s*[:：]?\s*"
WECHAT_LEAD = re.compile(HANDLE_LEAD.format(words=WECHAT_WORDS))
QQ_LEAD = re.compile(HANDLE_LEAD.format(words=QQ_WORDS))
# A bare Q is too short a word to trust with less: its number must stand alone and start with
# three digits together, so quarters (Q1 2023) are never read as a QQ number.
BARE_Q_LEAD = re.compile(r"(?<![A-Za-z])[Qq]\s*[:：]?\s*")
BARE_Q_FIRST_DIGITS = 3
# ... and a unit after it makes it a quantity, a price or a date instead (Q 10000盒).
QUANTITY_AFTER = re.compile(
    r"\s*(?:[盒元块片粒支瓶袋箱个人次年月日天]|(?:mg|ml|kg|g)(?![A-Za-z]))", re.IGNORECASE
)
_WECHAT_ID = r"[A-Za-z][A-Za-z0-9_-]{5,19}"
WECHAT_ID = re.compile(rf"{_WECHAT_ID}(?![A-Za-z0-9_-])")
# A handle with its label after it: "zhangwei_88 (微信)", "12345678 扣扣". Not before words that
# make the label mean something else (微信支付, QQ群).
HANDLE_TRAIL = (
    r"(?<![A-Za-z0-9_-])({handle})\s*(?:([(（\[【]|是我的?)\s*|是\s*)?(?:{words})"
    r"(?![A-Za-z0-9_])(?!\s?(?:支付|付款|转账|红包|群|公众号|小程序|视频号|空间))"
)
WECHAT_TRAIL = re.compile(HANDLE_TRAIL.format(handle=_WECHAT_ID, words=WECHAT_WORDS))
QQ_TRAIL = re.compile(HANDLE_TRAIL.format(handle=r"\d(?:[ -]?\d){4,10}", words=QQ_WORDS))
# An all-letter word before 微信 is as likely English as a handle, unless brackets or 是我的 set
# it apart.
HANDLE_MARK = re.compile(r"[\d_-]")
HANDLE_DIGITS = (5, 11)
# Building, unit, floor and room numbers; the compound or road name before them stays.
# Numbers in Chinese numerals count (三号楼, 叁号楼, 两单元), and so does a room read digit by
# digit (五零一).
_NUMERALS = "十拾" + "".join(CHINESE_DIGITS)
_SPOKEN = "".join(CHINESE_DIGITS)
_NUMBER = rf"(?:\d{{1,4}}|[{_NUMERALS}]{{1,3}})"
_BUILDING = rf"(?:{_NUMBER}\s*号楼|(?<![A-Za-z])(?:\d{{1,4}}|[A-Za-z]\d{{0,3}})\s*[栋幢座])"
_UNIT = rf"{_NUMBER}\s*单元"
_FLOOR = r"\d{1,2}\s*[层楼](?!下|上|道|梯)"
_ROOM = rf"(?:\d{{2,5}}|[{_SPOKEN}]{{2,5}})\s*(?:室|号房|房间)"
_ROOM_BARE = rf"(?:\d{{3,4}}(?![\d.])|[{_SPOKEN}]{{3,4}}(?![{_SPOKEN}]))"
ADDRESS_DETAIL = re.compile(
    rf"(?<![\d.])(?:{_BUILDING}|{_UNIT}|{_ROOM})"
    rf"(?:[\s-]*(?:{_BUILDING}|{_UNIT}|{_FLOOR}|{_ROOM}|{_ROOM_BARE}))*"
)
ADDRESS_NUMERAL = re.compile(rf"[0-9A-Za-z{_NUMERALS}]")


@dataclass(frozen=True)
class Finding:
    """Personal data at text[start:end] of the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class _Hit:
    """A finding in normalised coordinates, with what the public sees instead."""

    kind: str
    start: int
    end: int
    masked: str


class _Scan:
    """The normalised text and which of its characters a finding already covers."""

    def __init__(self, text: str):
        self.norm, self.origin = normalise(text)
        self.claimed = [False] * len(self.norm)
        self.hits: list[_Hit] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.claimed[start:end])

    def add(self, kind: str, start: int, end: int, masked: str) -> None:
        self.claimed[start:end] = [True] * (end - start)
        self.hits.append(_Hit(kind, start, end, masked))

    def add_matches(
        self, kind: str, pattern: re.Pattern, mask: Callable[[re.Match], str | None]
    ) -> None:
        for match in pattern.finditer(self.norm):
            if self.free(*match.span()):
                masked = mask(match)
                if masked is not None:
                    self.add(kind, *match.span(), masked)


def _mask_email(match: re.Match) -> str:
    return f"{match[1]}***@{match[2]}"


def _mask_decimal_degrees(match: re.Match) -> str | None:
    return COORDINATE_MASK if int(match[1]) <= LARGEST_DEGREE else None


def _mask_address(match: re.Match) -> str:
    return ADDRESS_NUMERAL.sub("*", match[0])


def _handle_digits_end(scan: _Scan, start: int, whole_run: bool) -> int | None:
    """Where a handle of 5 to 11 digits, however written, starting at start ends, or None.

    Args:
        scan: the text being scanned.
        start: where the handle must begin.
        whole_run: the digits must be the whole run, not glued to more nor followed by a unit,
            and start with three digits together; for a lead as short as Q.
    """
    run = run_at(scan.norm, start, scan.claimed)
    if run is None:
        return None
    digits, end = 0, start
    for group in run:
        if digits + len(group.digits) > HANDLE_DIGITS[1]:
            if whole_run:
                return None
            break
        digits += len(group.digits)
        end = group.end
    if whole_run and (
        len(run[0].digits) < BARE_Q_FIRST_DIGITS
        or run[-1].glued_right
        or QUANTITY_AFTER.match(scan.norm, end)
    ):
        return None
    return end if digits >= HANDLE_DIGITS[0] else None


def _find_handles(
    scan: _Scan, kind: str, lead: re.Pattern, letters_allowed: bool, whole_run: bool = False
) -> None:
    """A handle after a WeChat or QQ word: an id of letters, or 5 to 11 digits however written."""
    for match in lead.finditer(scan.norm):
        start = match.end()
        if not scan.free(match.start(), start):
            continue
        handle = WECHAT_ID.match(scan.norm, start) if letters_allowed else None
        if handle and scan.free(start, handle.end()):
            scan.add(kind, start, handle.end(), HANDLE_MASK)
            continue
        end = _handle_digits_end(scan, start, whole_run)
        if end is not None:
            scan.add(kind, start, end, HANDLE_MASK)


def _find_trailing_handles(scan: _Scan, kind: str, trail: re.Pattern) -> None:
    """A handle written before its WeChat or QQ word."""
    for match in trail.finditer(scan.norm):
        set_apart = match[2] is not None
        if scan.free(*match.span()) and (set_apart or HANDLE_MARK.search(match[1])):
            scan.add(kind, *match.span(1), HANDLE_MASK)


def _scan(text: str, kinds: Iterable[str]) -> list[_Hit]:
    scan = _Scan(text)
    if "email" in kinds:
        scan.add_matches("email", EMAIL, _mask_email)
    if "coordinate" in kinds:
        scan.add_matches("coordinate", DEGREES_MINUTES_SECONDS, lambda _: COORDINATE_MASK)
        scan.add_matches("coordinate", DECIMAL_DEGREES, _mask_decimal_degrees)
    if "wechat" in kinds:
        _find_handles(scan, "wechat", WECHAT_LEAD, letters_allowed=True)
    if "qq" in kinds:
        _find_handles(scan, "qq", QQ_LEAD, letters_allowed=False)
        _find_handles(scan, "qq", BARE_Q_LEAD, letters_allowed=False, whole_run=True)
    if "address_detail" in kinds:
        scan.add_matches("address_detail", ADDRESS_DETAIL, _mask_address)
    for number in find_numbers(scan.norm, scan.claimed):
        if number.kind in kinds:
            for start, end, masked in number.parts:
                scan.add(number.kind, start, end, masked)
    # After the phones, so 13800138000（QQ同号） keeps the phone's own masked form.
    if "wechat" in kinds:
        _find_trailing_handles(scan, "wechat", WECHAT_TRAIL)
    if "qq" in kinds:
        _find_trailing_handles(scan, "qq", QQ_TRAIL)
    return [
        _Hit(hit.kind, scan.origin[hit.start], scan.origin[hit.end - 1] + 1, hit.masked)
        for hit in sorted(scan.hits, key=lambda hit: hit.start)
    ]


def _replace(text: str, hits: list[_Hit], replacement: Callable[[_Hit], str]) -> str:
    pieces, position = [], 0
    for hit in hits:
        pieces += [text[position : hit.start], replacement(hit)]
        position = hit.end
    return "".join(pieces) + text[position:]


def find_personal_data(text: str) -> list[Finding]:
    """Find phone, identity, WeChat, QQ, email, address and location details in free text.

    Args:
        text: free text as a user wrote it.

    Returns:
        Findings in order, with spans in the original text; spans never overlap. A number split
        across the text gives one finding per part.
    """
    return [Finding(hit.kind, hit.start, hit.end) for hit in _scan(text, KINDS)]


def mask_personal_data(text: str) -> str:
    """Mask personal data for the public, keeping the rest of the text as written.

    Phones become 138****8000, landlines 010-****5678, identity numbers 5101**********1233,
    handles "微信 ****", emails a***@example.com, building and room numbers their stars, and
    coordinates [位置].

    Args:
        text: free text as a user wrote it.

    Returns:
        The text with every finding replaced by its masked form.
    """
    return _replace(text, _scan(text, KINDS), lambda hit: hit.masked)


def redact_personal_data(text: str) -> str:
    """Replace phones, identity numbers, emails and precise coordinates in text with a label.

    Args:
        text: anything that may be logged.

    Returns:
        The text with each finding replaced by "[phone]", "[id-number]", "[email]" or
        "[coordinate]".
    """
    return _replace(text, _scan(text, LOG_LABELS), lambda hit: LOG_LABELS[hit.kind])
