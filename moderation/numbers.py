"""Which runs of digits are phone or identity numbers, including numbers split across the text."""

import re
from dataclasses import dataclass

from moderation.digits import Group, digit_runs

MOBILE = re.compile(r"(?:0086|86)?(1[3-9]\d{9})")
# Area codes: 010 and 02x are three digits, the rest four; local numbers never start with 0.
LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d\d))([1-9]\d{6,7})")
ID_18 = re.compile(r"[1-8]\d{5}(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
# After one of these words, or ending in X, any 18 characters are an identity number, typo or not.
ID_LABEL_BEFORE = re.compile(r"(?:身份证|证件)(?:号码?)?[\s:：是为]*$")
ID_ANY_18 = re.compile(r"\d{17}[\dXx]")
ID_15 = re.compile(r"[1-8]\d{5}\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"
LEADING_MARKS = {"mobile": "+", "landline": "("}
# The longest number read from one run: an 18-character identity number.
LONGEST_NUMBER = 18
# Words after which a number is a batch or approval number, not anyone's phone.
NOT_PERSONAL_BEFORE = re.compile(r"(?:批号|批次|lot|准字|条码|货号|编号)[\s:：#]*$", re.IGNORECASE)
# A number split across the text: parts of at least this many digits, at most this far apart.
SPLIT_PART_DIGITS = 3
# How far before a number a label such as 批号 or 身份证号 is looked for.
LABEL_REACH = 8
SPLIT_GAP = 12
SPLIT_PARTS = 3
# Words that say which part of a mobile number follows, so parts written in any order can be put
# back together ("尾号7001，前面137，中间0013"). Only labelled parts are reordered: unlabelled
# digits out of order could be any numbers at all.
_PART_END = r"(?:的?(?:数字?|号码?))?(?:是|为)?[\s:：]*$"
PART_LABELS = {
    "head": re.compile(rf"(?:前面|前边|开头|(?:前|头)[三3七7]位|前几位){_PART_END}"),
    "middle": re.compile(rf"(?:中间(?:[四4]位)?|中[四4]位){_PART_END}"),
    "tail": re.compile(rf"(?:尾号|尾数|末尾|后面|后边|最后|(?:后|末|尾)[四4八8]位){_PART_END}"),
}
PART_ORDER = ("head", "middle", "tail")
MOBILE_DIGITS = 11


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


def classify(digits: str, id_labelled: bool = False) -> tuple[str, str] | None:
    """The kind of a complete number and its masked form, or None if it is not personal data.

    Args:
        digits: ASCII digits (X or x allowed last), separators removed.
        id_labelled: whether a word such as 身份证 comes right before the number.

    Returns:
        (kind, masked) such as ("mobile", "138****8000"), or None. The masked form keeps the
        case of a final x.
    """
    if _is_id_18(digits, id_labelled):
        return "id_number", digits[:4] + "*" * 10 + digits[-4:]
    if ID_15.fullmatch(digits):
        return "id_number", digits[:4] + "*" * 7 + digits[-4:]
    if MOBILE.fullmatch(digits):
        return "mobile", _mask_mobile(digits[-11:])
    if landline := LANDLINE.fullmatch(digits):
        area, local = landline.groups()
        return "landline", f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return None


def _mask_mobile(digits: str) -> str:
    return digits[:3] + "****" + digits[-4:]


def _label_before(pattern: re.Pattern, norm: str, group: Group) -> bool:
    return bool(pattern.search(norm[max(0, group.start - LABEL_REACH) : group.start]))


def _not_personal(norm: str, group: Group) -> bool:
    return _label_before(NOT_PERSONAL_BEFORE, norm, group)


def _match_in_run(norm: str, run: list[Group], first: int) -> tuple[int, NumberHit] | None:
    """The longest number made of consecutive groups starting at run[first]."""
    if run[first].glued_left or _not_personal(norm, run[first]):
        return None
    id_labelled = _label_before(ID_LABEL_BEFORE, norm, run[first])
    candidates = []
    digits = ""
    for last in range(first, len(run)):
        digits += run[last].digits
        if len(digits) > LONGEST_NUMBER:
            break
        candidates.append((last, digits))
    for last, digits in reversed(candidates):
        found = classify(digits, id_labelled)
        if found and not run[last].glued_right:
            start = run[first].start
            # The + of +86 and the bracket round an area code belong to the number.
            if norm[start - 1 : start] == LEADING_MARKS.get(found[0]):
                start -= 1
            return last, NumberHit(found[0], ((start, run[last].end, found[1]),))
    return None


def _digits(fragments: list[list[Group]]) -> str:
    return "".join(group.digits for fragment in fragments for group in fragment)


def _split_hit(parts: list[list[Group]], in_number_order: list[list[Group]]) -> NumberHit:
    """Mask a split mobile number part by part, each part getting its slice of 138****8000."""
    masked = _mask_mobile(_digits(in_number_order))
    slices = {}
    for fragment in in_number_order:
        width = len(_digits([fragment]))
        slices[id(fragment)], masked = masked[:width], masked[width:]
    return NumberHit(
        "mobile", tuple((part[0].start, part[-1].end, slices[id(part)]) for part in parts)
    )


def _nearby(fragments: list[list[Group]], index: int) -> list[list[Group]]:
    """The fragment at index and up to SPLIT_PARTS - 1 more, each a few characters on."""
    taken = [fragments[index]]
    for following in fragments[index + 1 : index + SPLIT_PARTS]:
        if following[0].start - taken[-1][-1].end > SPLIT_GAP:
            break
        taken.append(following)
    return taken


def _role(norm: str, fragment: list[Group]) -> str | None:
    for role, label in PART_LABELS.items():
        if _label_before(label, norm, fragment[0]):
            return role
    return None


def _labelled_mobile(norm: str, nearby: list[list[Group]]) -> tuple[int, NumberHit] | None:
    """A mobile number whose parts are labelled head, middle and tail, in any order."""
    for count in range(len(nearby), 1, -1):
        parts = nearby[:count]
        roles = [_role(norm, part) for part in parts]
        if None in roles or len(set(roles)) < count or not {"head", "tail"} <= set(roles):
            continue
        by_role = dict(zip(roles, parts, strict=True))
        ordered = [by_role[role] for role in PART_ORDER if role in by_role]
        digits = _digits(ordered)
        if len(digits) == MOBILE_DIGITS and MOBILE.fullmatch(digits):
            return count, _split_hit(parts, ordered)
    return None


def _ordered_mobile(nearby: list[list[Group]]) -> tuple[int, NumberHit] | None:
    """A mobile number written in two or three parts in their order."""
    for count in range(2, len(nearby) + 1):
        digits = _digits(nearby[:count])
        if len(digits) >= MOBILE_DIGITS:
            if len(digits) == MOBILE_DIGITS and MOBILE.fullmatch(digits):
                return count, _split_hit(nearby[:count], nearby[:count])
            return None
    return None


def _split_mobiles(norm: str, fragments: list[list[Group]]) -> list[NumberHit]:
    """Mobile numbers written in two or three parts a few characters apart."""
    hits = []
    index = 0
    while index < len(fragments):
        nearby = _nearby(fragments, index)
        found = _labelled_mobile(norm, nearby) or _ordered_mobile(nearby)
        if found is None:
            index += 1
            continue
        count, hit = found
        hits.append(hit)
        index += count
    return hits


def find_numbers(norm: str, claimed: list[bool]) -> list[NumberHit]:
    """Phone and identity numbers in normalised text, outside what is already claimed.

    Args:
        norm: normalised text (moderation.digits.normalise).
        claimed: True where another finding already covers the character.

    Returns:
        One hit per number; a number split across the text is one hit over all its parts.
    """
    hits: list[NumberHit] = []
    fragments: list[list[Group]] = []
    for run in digit_runs(norm, claimed):
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
    return hits + _split_mobiles(norm, fragments)


def _keep_fragment(norm: str, groups: list[Group], fragments: list[list[Group]]) -> None:
    """Keep digits no number used as a possible part of a number split across the text."""
    if not groups or _not_personal(norm, groups[0]):
        return
    if any(group.glued_left or group.glued_right for group in groups):
        return
    if sum(len(group.digits) for group in groups) >= SPLIT_PART_DIGITS:
        fragments.append(groups)
