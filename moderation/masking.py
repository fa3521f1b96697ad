"""Finds personal data in free text so it can be masked before anyone else sees it.

Every detector reads one normalised copy of the text (moderation.normalise: digits however
written, invisible characters dropped, words spelled out letter by letter joined up), and every
finding is mapped back to the original text, so the public sees the note as written with only the
personal parts masked. The same detectors keep phone numbers, identity numbers, emails and exact
coordinates out of the logs.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from string import ascii_letters, digits

from moderation.addresses import ADDRESS_PATTERNS, mask_address
from moderation.digits import CLAIMED, run_at
from moderation.handles import (
    HANDLE_DIGITS,
    HANDLE_MARK,
    LEADS,
    PRODUCT_LABEL_BEFORE,
    QQ_TRAIL,
    WECHAT_TRAIL,
    Lead,
)
from moderation.normalise import SEPARATOR, Normalised, normalise, starting_with
from moderation.numbers import UNIT_AFTER, find_numbers

# The version of these rules. Masked text is stored with the version it was masked under, so
# raise it whenever a change masks anything differently: rows of an older version are masked
# again (see app/posts), and no improvement leaves stale public text behind.
MASKING_VERSION = 2
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
# What the logs show instead. Handles are left out there: random request ids and tokens contain
# "wx" or "qq" followed by letters often enough to be mangled, and so would English words after
# "mail"; a full email still counts.
LOG_LABELS = {
    "mobile": "[phone]",
    "landline": "[phone]",
    "id_number": "[id-number]",
    "email": "[email]",
    "coordinate": "[coordinate]",
}
ALPHANUMERIC = ascii_letters + digits
HANDLE_MASK = "****"
COORDINATE_MASK = "[位置]"

# An email, with its @ and dots however written: (at), [at], " at ", 艾特, 圈a, #; (dot), 点, 。.
_BRACKETED = r"\s*[(\[{{<【〔《]\s*{word}\s*[)\]}}>】〕》]\s*"
_AT = r"\s*@\s*|{}|\s+at\s+|\s*(?:艾特|爱特|圈a|小老鼠|#)\s*".format(_BRACKETED.format(word="at"))
_DOT = r"\s*[.。·]\s*|{}|\s+dot\s+|\s*点\s*".format(_BRACKETED.format(word="dot"))
_DOMAIN_PART = r"[A-Za-z0-9-]+"
# An @ written out is trusted only before a domain people use: one ending in a known suffix.
_TOP_LEVEL = r"(?:com|cn|net|org|edu|gov|info|top|xyz|cc|me|io|co|hk|tw)(?![A-Za-z])"
EMAIL = starting_with(
    ALPHANUMERIC,
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)"
    rf"(?:@{_DOMAIN_PART}(?:\.{_DOMAIN_PART})+"
    rf"|(?:{_AT})(?:{_DOMAIN_PART}(?:{_DOT}))+{_TOP_LEVEL})",
    re.IGNORECASE,
)
# Three decimals of a degree is about 100 m, finer than the square's 500 m grid. A unit or a
# currency sign after or before it makes it a dose or a price instead.
DECIMAL_DEGREES = starting_with(
    "-" + digits,
    r"(?<![\d.¥$])-?(\d{1,3})\.(?P<decimals>\d{3,})(?![\d.])"
    r"(?!\s*(?:(?:mg|g|kg|ml|l|ug|μg|iu|ms|s|m|km)(?![A-Za-z])|[%元块克毫升片粒支盒瓶袋度℃]))",
    re.IGNORECASE,
)
DEGREES_MINUTES_SECONDS = starting_with(
    "NSEW北南东西" + digits,
    r"(?:[NSEW北南东西]纬?经?\s*)?\d{1,3}\s*°\s*\d{1,2}(?:\.\d+)?\s*['′]"
    r"(?:\s*\d{1,2}(?:\.\d+)?\s*(?:\"|″|′′|''))?(?:\s*[NSEW](?![A-Za-z])|[北南东西](?![纬经]))?",
)
LARGEST_DEGREE = 180
# One decimal number alone is a dose, a price or a part of a number as often as a place, unless
# it is this precise (about a metre); with three decimals it is a place beside another (a
# latitude and a longitude) or after a word that says so.
LONE_DEGREE_DECIMALS = 5
PAIR_GAP = 3
LOCATION_LABEL_BEFORE = re.compile(
    r"(?:坐标|经纬度|经度|纬度|定位|位置|gps|lat|lng|lon)[\s:：=]*$", re.IGNORECASE
)
LOCATION_LABEL_REACH = 6
# Other identity documents, after their name: a letter or two and digits, perhaps in groups
# (护照 E1234 5678, 港澳通行证 C12345678).
DOCUMENT = starting_with(
    "护通台回军士居",
    rf"(?:护照|通行证|台胞证|回乡证|军官证|士兵证|居住证)(?:号码?)?[\s:：是为]*"
    rf"(?P<detail>[A-Za-z]{{0,2}}\d(?:{SEPARATOR}?\d){{6,17}}[A-Za-z]?)(?![A-Za-z0-9])",
)
# A bare Q's number must start with three digits together, so quarters (Q1 2023) are never read
# as a QQ number.
BARE_Q_FIRST_DIGITS = 3


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
    """The normalised text, with what a detector already found blanked out for the next ones."""

    def __init__(self, text: str):
        self.normalised: Normalised = normalise(text)
        self.text = self.normalised.text
        self.hits: list[_Hit] = []

    def free(self, start: int, end: int) -> bool:
        return CLAIMED not in self.text[start:end]

    def add(self, kind: str, start: int, end: int, masked: str) -> None:
        self.text = self.text[:start] + CLAIMED * (end - start) + self.text[end:]
        self.hits.append(_Hit(kind, start, end, masked))

    def add_matches(
        self,
        kind: str,
        pattern: re.Pattern,
        mask: Callable[[re.Match], str | None],
        group: int | str = 0,
    ) -> None:
        for match in pattern.finditer(self.text):
            start, end = match.span(group)
            if start < end and self.free(start, end):
                masked = mask(match)
                if masked is not None:
                    self.add(kind, start, end, masked)


def _mask_email(match: re.Match) -> str:
    return match[1][0] + "***" + match[0][len(match[1]) :]


def _mask_document(match: re.Match) -> str:
    document = match["detail"]
    return document[0] + "*" * (len(document) - 3) + document[-2:]


def _find_decimal_degrees(scan: _Scan) -> None:
    degrees = [
        match
        for match in DECIMAL_DEGREES.finditer(scan.text)
        if int(match[1]) <= LARGEST_DEGREE and scan.free(*match.span())
    ]
    for index, match in enumerate(degrees):
        neighbours = degrees[max(0, index - 1) : index] + degrees[index + 1 : index + 2]
        paired = any(
            max(other.start(), match.start()) - min(other.end(), match.end()) <= PAIR_GAP
            for other in neighbours
        )
        labelled = LOCATION_LABEL_BEFORE.search(
            scan.text, max(0, match.start() - LOCATION_LABEL_REACH), match.start()
        )
        if paired or labelled or len(match["decimals"]) >= LONE_DEGREE_DECIMALS:
            scan.add("coordinate", *match.span(), COORDINATE_MASK)


def _handle_digits_end(scan: _Scan, start: int, whole_run: bool) -> int | None:
    """Where a handle of 5 to 11 digits, however written, starting at start ends, or None.

    Args:
        scan: the text being scanned.
        start: where the handle must begin.
        whole_run: the digits must be the whole run, not glued to more nor followed by a unit,
            and start with three digits together; for a lead as short as Q.
    """
    run = run_at(scan.text, start)
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
        or UNIT_AFTER.match(scan.text, end)
    ):
        return None
    return end if digits >= HANDLE_DIGITS[0] else None


def _letters_end(scan: _Scan, start: int, lead: Lead) -> int | None:
    """Where a handle of letters (and digits) starting at start ends, or None."""
    match = lead.letters.match(scan.text, start)
    if match is None:
        return None
    shortest, longest = lead.length
    pieces, length = [], 0
    for piece in match[0].split(" "):
        # Enough pieces to be a handle, and the digits that end it (zhang wei 88).
        if length >= shortest and not (piece.isdigit() and length + len(piece) <= longest):
            break
        pieces.append(piece)
        length += len(piece)
    handle = " ".join(pieces)
    if not shortest <= length <= longest or (lead.weak and not HANDLE_MARK.search(handle)):
        return None
    end = start + len(handle)
    return end if scan.free(start, end) else None


def _find_handles(scan: _Scan, lead: Lead) -> None:
    """Handles after a lead's words: one of letters, or 5 to 11 digits however written."""
    for match in lead.words.finditer(scan.text):
        start = match.end()
        if not scan.free(match.start(), start):
            continue
        if lead.bare and PRODUCT_LABEL_BEFORE.search(scan.text, 0, match.start()):
            continue
        end = _letters_end(scan, start, lead) if lead.letters else None
        if end is None and lead.digits:
            end = _handle_digits_end(scan, start, whole_run=lead.bare)
        if end is not None:
            scan.add(lead.kind, start, end, HANDLE_MASK)


def _find_trailing_handles(scan: _Scan, kind: str, trail: re.Pattern) -> None:
    """A handle written before its WeChat or QQ word."""
    for match in trail.finditer(scan.text):
        set_apart = match[2] is not None
        if scan.free(*match.span()) and (set_apart or HANDLE_MARK.search(match[1])):
            scan.add(kind, *match.span(1), HANDLE_MASK)


def _scan(text: str, kinds: Iterable[str], handles: bool = True) -> list[_Hit]:
    """Every finding of kinds in text; handles (a user name after a word such as 微信, QQ or
    邮箱) only when asked for."""
    scan = _Scan(text)
    if "email" in kinds:
        scan.add_matches("email", EMAIL, _mask_email)
    if "coordinate" in kinds:
        scan.add_matches("coordinate", DEGREES_MINUTES_SECONDS, lambda _: COORDINATE_MASK)
        _find_decimal_degrees(scan)
    if "id_number" in kinds:
        scan.add_matches("id_number", DOCUMENT, _mask_document, group="detail")
    for lead in LEADS:
        if handles and lead.kind in kinds:
            _find_handles(scan, lead)
    for number in find_numbers(scan.text):
        if number.kind in kinds:
            for start, end, masked in number.parts:
                scan.add(number.kind, start, end, masked)
    # After the phones and identity numbers: 1-1-0105... may be either, and they matter more.
    if "address_detail" in kinds:
        for pattern in ADDRESS_PATTERNS:
            scan.add_matches("address_detail", pattern, mask_address, group="detail")
    # After the phones, so 13800138000（QQ同号） keeps the phone's own masked form.
    if handles and "wechat" in kinds:
        _find_trailing_handles(scan, "wechat", WECHAT_TRAIL)
    if handles and "qq" in kinds:
        _find_trailing_handles(scan, "qq", QQ_TRAIL)
    normalised = scan.normalised
    return [
        _Hit(hit.kind, *normalised.original_span(hit.start, hit.end), hit.masked)
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
    findings = _scan(text, LOG_LABELS, handles=False)
    return _replace(text, findings, lambda hit: LOG_LABELS[hit.kind])
