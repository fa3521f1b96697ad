"""Which runs of digits are phone or identity numbers, including numbers split across the text."""

import itertools
import re
from dataclasses import dataclass

from moderation.digits import Group, digit_runs

MOBILE = re.compile(r"(?:0086|86)?(1[3-9]\d{9})")
# Area codes: 010 and 02x are three digits, the rest four; local numbers never start with 0, and
# one without its area code is trusted only when it starts as local numbers do, with 2 to 9.
_AREA = r"(?:10|2\d|[3-9]\d\d)"
_LOCAL = r"[1-9]\d{6,7}"
LANDLINE = re.compile(rf"0({_AREA})({_LOCAL})")
# From abroad: +86, the area code without its 0 (or with it in brackets), the local number.
LANDLINE_FROM_ABROAD = re.compile(rf"(?:0086|86)0?({_AREA})({_LOCAL})")
LOCAL_NUMBER = re.compile(r"[2-9]\d{6,7}")
ID_18 = re.compile(r"[1-8]\d{5}(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
# After one of these words, or ending in X, any 18 characters are an identity number, typo or not.
ID_LABEL_BEFORE = re.compile(r"(?:身份证|证件)(?:号码?)?[\s:：是为]*$")
ID_ANY_18 = re.compile(r"\d{17}[\dXx]")
ID_15 = re.compile(r"[1-8]\d{5}\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
ID_LENGTH = 18
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"
# The + of +86 and the bracket round an area code belong to the number.
LEADING_MARKS = {"mobile": "+", "landline": "(+"}
# The shortest number read from one run: a landline without its area code.
SHORTEST_NUMBER = 7
# The longest number read from one run: an identity number, or a landline from abroad.
LONGEST_NUMBER = 18
# Words after which a number is a batch, approval or order number... unless it has the shape of
# a phone or identity number: such a label is no way around the masker.
NOT_PERSONAL_BEFORE = re.compile(
    r"(?:批号|批次|lot|准字|条码|货号|编号|单号)(?:no)?[\s:：#.]*$", re.IGNORECASE
)
UNMISTAKABLE_LENGTHS = {"mobile": (11, 13, 15), "id_number": (18,)}
# A phone label, after which 7 or 8 digits are a landline without its area code.
PHONE_LABEL_BEFORE = re.compile(
    r"(?:电话|座机|固话|宅电|家电|tel|phone|☎|📞)(?:号码?)?(?:是|为)?[\s:：]*$", re.IGNORECASE
)
# What makes digits a quantity, a price or a date rather than part of a number.
UNIT_AFTER = re.compile(
    r"\s*(?:[盒元块片粒支瓶袋箱个人次年月日号点天岁周份包克斤度万千百]"
    r"|(?:mg|ml|kg|g|l|iu|ug|μg|mm|cm|km|m)(?![A-Za-z]))",
    re.IGNORECASE,
)
UNIT_BEFORE = re.compile(r"(?:[¥$€£第]|价格?|约)\s*$")
# A number split across the text: parts of at least this many digits, at most this far apart.
SPLIT_PART_DIGITS = 3
SPLIT_GAP = 16
SPLIT_PARTS = 4
# How far before or after a number a label such as 批号, 身份证号 or 尾号 is looked for.
LABEL_REACH = 8
# Words that say which part of a number follows (尾号7001) or went before (7001是尾号), so the
# parts can be put back together in any order. Only labelled parts are reordered: unlabelled
# digits out of order could be any numbers at all.
_HEAD = r"前面|前边|开头|(?:前|头)[三六七367]位|前几位"
_MIDDLE = r"中间(?:[四八48]位)?|中[四4]位|生日|出生(?:日期)?"
_TAIL = r"尾号|尾数|末尾|结尾|后面|后边|最后(?:[四48]位)?|(?:后|末|尾)[四八48]位"
_PART_BEFORE = r"(?:{})(?:的?(?:数字?|号码?))?(?:是|为)?[\s:：]*$"
# ... a label after a part must not be the label before the next part.
_PART_AFTER = r"^\s*(?:是|为|在)?(?:{})(?![\s:：是为]*\d)"
PART_LABELS = {
    role: (re.compile(_PART_BEFORE.format(words)), re.compile(_PART_AFTER.format(words)))
    for role, words in (("head", _HEAD), ("middle", _MIDDLE), ("tail", _TAIL))
}
PART_ORDER = ("head", "middle", "tail")


@dataclass(frozen=True)
class NumberHit:
    """A phone or identity number: its kind and its parts in the normalised text, each as
    (start, end, what the public sees instead). A number written in one piece has one part."""

    kind: str
    parts: tuple[tuple[int, int, str], ...]


def _is_id_18(digits: str, labelled: bool) -> bool:
    """An 18-character identity number. One whose check character does not add up is still one
    when it ends in X (no other number does) or a label says so: a typo leaves 17 true digits."""
    if (labelled or digits[-1] in "Xx") and ID_ANY_18.fullmatch(digits):
        return True
    if not ID_18.fullmatch(digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits, ID_WEIGHTS, strict=False))
    return ID_CHECK_DIGITS[total % 11] == digits[17]


def digit_mask(kind: str, digits: str) -> str:
    """The digits with the ones the public must not see replaced by *, digit for digit: a
    mobile's 4 before the last 4 (138****8000, 86138****8000), all but the first and last 4 of
    an identity number, all but the last 4 of a landline."""
    if kind == "id_number":
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    if kind == "mobile":
        return digits[:-8] + "****" + digits[-4:]
    return "*" * (len(digits) - 4) + digits[-4:]


def classify(
    digits: str, id_labelled: bool = False, from_abroad: bool = False
) -> tuple[str, str] | None:
    """The kind of a complete number and its masked form, or None if it is not personal data.

    Args:
        digits: ASCII digits (X or x allowed last), separators removed.
        id_labelled: whether a word such as 身份证 comes right before the number.
        from_abroad: whether a + comes right before it (+86...).

    Returns:
        (kind, masked) such as ("mobile", "138****8000"), or None. The masked form keeps the
        case of a final x.
    """
    if len(digits) == ID_LENGTH and _is_id_18(digits, id_labelled):
        return "id_number", digit_mask("id_number", digits)
    if ID_15.fullmatch(digits):
        return "id_number", digit_mask("id_number", digits)
    if mobile := MOBILE.fullmatch(digits):
        return "mobile", digit_mask("mobile", mobile[1])
    landline = LANDLINE.fullmatch(digits)
    if landline is None and (from_abroad or digits.startswith("0086")):
        landline = LANDLINE_FROM_ABROAD.fullmatch(digits)
    if landline:
        area, local = landline.groups()
        return "landline", f"0{area}-{digit_mask('landline', local)}"
    return None


def _unmistakable(kind: str, digits: str) -> bool:
    """A mobile or an 18-character identity number: shapes no label before them (批号, LOT)
    and no letters glued to them (tel13800138000) explain away."""
    return len(digits) in UNMISTAKABLE_LENGTHS.get(kind, ())


def _written_as_one(
    norm: str, kind: str, digits: str, run: list[Group], first: int, last: int, id_labelled: bool
) -> bool:
    """Whether run[first:last + 1], digits that make a number, were written as one number
    rather than run together from several.

    Across punctuation that ends a sentence, the number must take whole items (批号 1300000，
    2020-01-01 gives no mobile) and end in no quantity (1300000，1000片); a landline's area code
    stands apart and no such punctuation is inside it; an old 15-digit identity number (no check
    digit) is one piece or has its label.
    """
    groups = run[first : last + 1]
    if any(group.joined_softly for group in groups[1:]):
        starts_an_item = first == 0 or groups[0].joined_softly
        ends_an_item = last == len(run) - 1 or run[last + 1].joined_softly
        if not (starts_an_item and ends_an_item) or UNIT_AFTER.match(norm, groups[-1].end):
            return False
    if kind == "landline":
        return _area_code_stands_apart(digits, [len(group.digits) for group in groups]) and not any(
            group.joined_softly for group in groups[1:]
        )
    if kind == "id_number" and len(digits) != ID_LENGTH:
        return len(groups) == 1 or id_labelled
    return True


def _area_code_stands_apart(digits: str, lengths: list[int]) -> bool:
    """Whether a landline's area code is one piece of its own, right before the local number
    (010-1234 5678, +86 (755) 8888 6666), or the whole number is one piece: digits run together
    from elsewhere (dates: 2020-03-01，2020...) rarely split there."""
    if len(lengths) == 1:
        return True
    landline = LANDLINE.fullmatch(digits) or LANDLINE_FROM_ABROAD.fullmatch(digits)
    if landline is None:
        return False
    ends = list(itertools.accumulate(lengths))
    if landline.start(2) not in ends:
        return False
    area_end = ends.index(landline.start(2))
    area_start = ends[area_end - 1] if area_end else 0
    return digits[area_start : ends[area_end]].lstrip("0") == landline[1]


def _label_before(pattern: re.Pattern, norm: str, start: int) -> bool:
    return bool(pattern.search(norm, max(0, start - LABEL_REACH), start))


def _not_personal(norm: str, group: Group) -> bool:
    return _label_before(NOT_PERSONAL_BEFORE, norm, group.start)


def _a_quantity(norm: str, first: Group, last: Group) -> bool:
    return bool(UNIT_AFTER.match(norm, last.end)) or _label_before(UNIT_BEFORE, norm, first.start)


def _match_in_run(norm: str, run: list[Group], first: int) -> tuple[int, NumberHit] | None:
    """The longest number made of consecutive groups starting at run[first]."""
    head = run[first]
    labelled_not_personal = _not_personal(norm, head)
    id_labelled = _label_before(ID_LABEL_BEFORE, norm, head.start)
    mark = norm[head.start - 1 : head.start]
    candidates = []
    digits = ""
    for last in range(first, len(run)):
        digits += run[last].digits
        if len(digits) > LONGEST_NUMBER:
            break
        candidates.append((last, digits))
    for last, digits in reversed(candidates):
        if run[last].glued_right:
            continue
        found = classify(digits, id_labelled, from_abroad=mark == "+")
        if found and not _written_as_one(norm, found[0], digits, run, first, last, id_labelled):
            found = None
        if found is None and last == len(run) - 1:
            found = _local_landline(norm, run, first, digits)
        if found is None:
            continue
        if (head.glued_left or labelled_not_personal) and not _unmistakable(found[0], digits):
            continue
        return last, NumberHit(
            found[0], ((_number_start(norm, head, found[0]), run[last].end, found[1]),)
        )
    return None


def _number_start(norm: str, head: Group, kind: str) -> int:
    start = head.start
    while start > 0 and norm[start - 1] in LEADING_MARKS.get(kind, ""):
        start -= 1
    return start


def _local_landline(norm: str, run: list[Group], first: int, digits: str) -> tuple[str, str] | None:
    """A landline without its area code: 7 or 8 digits, all of a run, right after a phone
    label."""
    if not LOCAL_NUMBER.fullmatch(digits) or not _label_before(
        PHONE_LABEL_BEFORE, norm, run[first].start
    ):
        return None
    if _a_quantity(norm, run[first], run[-1]):
        return None
    return "landline", digit_mask("landline", digits)


def _digits(fragments: list[list[Group]]) -> str:
    return "".join(group.digits for fragment in fragments for group in fragment)


def _split_hit(
    kind: str, parts: list[list[Group]], in_number_order: list[list[Group]]
) -> NumberHit:
    """Mask a number written in parts part by part, each getting its slice of the mask."""
    masked = digit_mask(kind, _digits(in_number_order))
    slices = {}
    for fragment in in_number_order:
        width = len(_digits([fragment]))
        slices[id(fragment)], masked = masked[:width], masked[width:]
    return NumberHit(kind, tuple((part[0].start, part[-1].end, slices[id(part)]) for part in parts))


def _nearby(fragments: list[list[Group]], index: int) -> list[list[Group]]:
    """The fragment at index and up to SPLIT_PARTS - 1 more, each a few characters on."""
    taken = [fragments[index]]
    for following in fragments[index + 1 : index + SPLIT_PARTS]:
        if following[0].start - taken[-1][-1].end > SPLIT_GAP:
            break
        taken.append(following)
    return taken


def _role(norm: str, fragment: list[Group]) -> str | None:
    start, end = fragment[0].start, fragment[-1].end
    for role, (before, _) in PART_LABELS.items():
        if _label_before(before, norm, start):
            return role
    for role, (_, after) in PART_LABELS.items():
        if after.search(norm[end : end + LABEL_REACH]):
            return role
    return None


def _split_kind(digits: str, norm: str, parts: list[list[Group]]) -> str | None:
    """What the digits of a number written in parts are, if anything."""
    first = parts[0][0]
    found = classify(digits, id_labelled=_label_before(ID_LABEL_BEFORE, norm, first.start))
    # An old 15-digit identity number is too easily made of numbers that happen to be near.
    if found is None or (found[0] == "id_number" and len(digits) != ID_LENGTH):
        return None
    if (_not_personal(norm, first) or first.glued_left) and not _unmistakable(found[0], digits):
        return None
    if found[0] == "landline" and not _area_code_stands_apart(
        digits, [len(_digits([part])) for part in parts]
    ):
        return None
    return found[0]


def _labelled_number(norm: str, nearby: list[list[Group]]) -> tuple[int, NumberHit] | None:
    """A number whose parts are labelled head, middle and tail, in any order."""
    for count in range(len(nearby), 1, -1):
        parts = nearby[:count]
        roles = [_role(norm, part) for part in parts]
        if None in roles or len(set(roles)) < count or not {"head", "tail"} <= set(roles):
            continue
        by_role = dict(zip(roles, parts, strict=True))
        ordered = [by_role[role] for role in PART_ORDER if role in by_role]
        kind = _split_kind(_digits(ordered), norm, ordered)
        if kind is not None:
            return count, _split_hit(kind, parts, ordered)
    return None


def _ordered_number(norm: str, nearby: list[list[Group]]) -> tuple[int, NumberHit] | None:
    """A number written in two or more parts in their order."""
    for count in range(len(nearby), 1, -1):
        kind = _split_kind(_digits(nearby[:count]), norm, nearby[:count])
        if kind is not None:
            return count, _split_hit(kind, nearby[:count], nearby[:count])
    return None


def _split_numbers(norm: str, fragments: list[list[Group]]) -> list[NumberHit]:
    """Numbers written in parts a few characters apart."""
    hits = []
    index = 0
    while index < len(fragments):
        nearby = _nearby(fragments, index)
        found = _labelled_number(norm, nearby) or _ordered_number(norm, nearby)
        if found is None:
            index += 1
            continue
        count, hit = found
        hits.append(hit)
        index += count
    return hits


def find_numbers(norm: str) -> list[NumberHit]:
    """Phone and identity numbers in normalised text.

    Args:
        norm: normalised text (moderation.normalise), with what other detectors found blanked
            out (moderation.digits.CLAIMED).

    Returns:
        One hit per number; a number split across the text is one hit over all its parts.
    """
    hits: list[NumberHit] = []
    fragments: list[list[Group]] = []
    for run in digit_runs(norm):
        if sum(len(group.digits) for group in run) < SHORTEST_NUMBER:
            _keep_fragment(norm, run, fragments)
            continue
        first = 0
        leftover: list[Group] = []
        while first < len(run):
            match = _match_in_run(norm, run, first)
            if match is None:
                leftover.append(run[first])
                first += 1
                continue
            last, hit = match
            hits.append(hit)
            _keep_fragment(norm, leftover, fragments)
            leftover = []
            first = last + 1
        _keep_fragment(norm, leftover, fragments)
    return hits + _split_numbers(norm, fragments)


def _keep_fragment(norm: str, groups: list[Group], fragments: list[list[Group]]) -> None:
    """Keep digits no number used as a possible part of a number split across the text."""
    if not groups or _a_quantity(norm, groups[0], groups[-1]):
        return
    # Letters before the first part may be a word (tel138...), not after any.
    if any(group.glued_left for group in groups[1:]) or any(group.glued_right for group in groups):
        return
    if sum(len(group.digits) for group in groups) >= SPLIT_PART_DIGITS:
        fragments.append(groups)
