"""Screens what users write for trading and for medicines off the whitelist.

MedShare is for free sharing only. The rules live in data (data/screening-rules.yaml, versioned,
each rule with its own test cases); this module loads them and reports every hit with the rule
that matched and where. It decides nothing: post create and edit will call `screen` on the
note and send a post with any hit to the moderators' queue, hidden until one of them decides,
recording each hit's rule id and the rules' version.
"""

import re
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_RULES_PATH = Path(__file__).parent / "data" / "screening-rules.yaml"

KINDS = frozenset({"trading", "off_whitelist"})
SEVERITIES = range(1, 4)
RULE_ID = re.compile(r"[a-z][a-z0-9_]*")
TOP_KEYS = frozenset({"version", "negation", "rules"})
NEGATION_KEYS = frozenset({"words", "fillers"})
RULE_KEYS = frozenset(
    {"id", "kind", "severity", "description", "words", "patterns", "exceptions", "cases"}
)
REQUIRED_RULE_KEYS = frozenset({"id", "kind", "severity", "description", "cases"})
DESCRIPTION_KEYS = frozenset({"zh", "en"})
CASE_KEYS = frozenset({"hits", "misses"})

# People split a word to slip past filters ("出 售", "出-售", "出*售"); up to two spaces or
# marks between its letters still spell it. Clause punctuation and line breaks end a word:
# "签收，药" is no "收药".
WORD_GAP = r"[^\w\n,!?;:，！？；：。、]{0,2}"
# Characters that render as nothing, used for the same trick.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
PUNCTUATION = frozenset(string.punctuation)
# How far back from a hit a negation and its fillers can start.
NEGATION_REACH = 16
# How far an exception's phrase may reach beyond either end of a hit it covers.
EXCEPTION_REACH = 24


class ScreeningRulesError(ValueError):
    """The rules file cannot be used; the message names the rule and what is wrong."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's loader keeps the last of two equal keys without a word: a rule whose `- id:`
    line was lost would silently take over the next rule's keys, and one rule would vanish."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise ScreeningRulesError(f"line {line}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep)


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One match of one rule; start and end index the text as the user wrote it."""

    rule_id: str
    kind: str
    severity: int
    matched_text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    severity: int
    description: dict
    matchers: tuple[re.Pattern, ...]
    exceptions: re.Pattern | None
    cases: dict


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The loaded rules, highest severity first, with the file's version."""

    version: str
    rules: tuple[Rule, ...]
    negation: re.Pattern


@lru_cache(maxsize=1)
def _fold_tables() -> tuple[dict[str, str], re.Pattern, re.Pattern]:
    """What folding changes in the Basic Multilingual Plane, found once (about 50 ms).

    Returns:
        The characters that fold to exactly one other character with what they fold to, a
        regex finding them, and a regex finding characters that fold to more, to fewer
        (invisible ones) or that lie beyond the plane: those take the slow, exact path.
    """
    one_to_one, other = {}, []
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = _fold_char(char)
        if len(folded) != 1:
            other.append(char)
        elif folded != char:
            one_to_one[char] = folded
    return (
        one_to_one,
        re.compile("[" + "".join(map(re.escape, one_to_one)) + "]"),
        re.compile("[" + "".join(map(re.escape, other)) + "\U00010000-\U0010ffff]"),
    )


def _fold_char(char: str) -> str:
    folded = INVISIBLE.sub("", unicodedata.normalize("NFKC", char).lower())
    # Full-width punctuation stays as it is: rules treat it like ASCII punctuation (\W,
    # WORD_GAP), and folding every "，" of a Chinese note would cost more than all the scans.
    return char if folded in PUNCTUATION else folded


def word_regex(word: str) -> str:
    """A literal word as a regex: CJK words tolerate spacing inside, Latin words match whole.

    Regexes that start with a literal let `re` skip ahead to candidates, so the boundary
    check on a Latin word looks back from its end rather than ahead from its start.
    """
    word = "".join(map(_fold_char, word))
    if word.isascii():
        escaped = re.escape(word)
        return f"{escaped}(?<![a-z]{escaped})(?![a-z])" if word.isalpha() else escaped
    return WORD_GAP.join(re.escape(char) for char in word)


def _compile(source: str, where: str) -> re.Pattern:
    try:
        return re.compile(source)
    except re.error as error:
        raise ScreeningRulesError(f"{where}: bad regex {source!r}: {error}") from None


def _strings(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ScreeningRulesError(f"{where}: expected a list of non-empty strings")
    return value


def _check_keys(mapping, allowed: frozenset, required: frozenset, where: str) -> None:
    if not isinstance(mapping, dict):
        raise ScreeningRulesError(f"{where}: expected a mapping")
    if unknown := set(mapping) - allowed:
        raise ScreeningRulesError(f"{where}: unknown keys {sorted(unknown)}")
    if missing := required - set(mapping):
        raise ScreeningRulesError(f"{where}: missing keys {sorted(missing)}")


def _rule(raw, index: int) -> Rule:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise ScreeningRulesError(f"rule #{index}: id {rule_id!r} is missing or not snake_case")
    where = f"rule {rule_id}"
    _check_keys(raw, RULE_KEYS, REQUIRED_RULE_KEYS, where)
    if raw["kind"] not in KINDS:
        raise ScreeningRulesError(f"{where}: kind must be one of {sorted(KINDS)}")
    if raw["severity"] not in SEVERITIES or isinstance(raw["severity"], bool):
        raise ScreeningRulesError(f"{where}: severity must be 1, 2 or 3")
    _check_keys(raw["description"], DESCRIPTION_KEYS, DESCRIPTION_KEYS, f"{where}: description")
    words = [word_regex(w) for w in _strings(raw.get("words", []), f"{where}: words")]
    # Each regex scanned on its own: one that starts with a literal or a character class lets
    # `re` skip ahead to candidates, and one alternation of them all would lose that.
    matchers = [_compile("|".join(words), where)] if words else []
    for pattern in _strings(raw.get("patterns", []), f"{where}: patterns"):
        matchers.append(_compile(pattern, where))
    if not matchers:
        raise ScreeningRulesError(f"{where}: needs words or patterns")
    exceptions = _strings(raw.get("exceptions", []), f"{where}: exceptions")
    for pattern in exceptions:
        _compile(pattern, f"{where}: exceptions")
    cases = raw["cases"]
    _check_keys(cases, CASE_KEYS, CASE_KEYS, f"{where}: cases")
    for side in CASE_KEYS:
        if not _strings(cases[side] or [], f"{where}: cases.{side}"):
            raise ScreeningRulesError(f"{where}: cases.{side} is empty; every rule needs both")
    return Rule(
        id=rule_id,
        kind=raw["kind"],
        severity=raw["severity"],
        description=raw["description"],
        matchers=tuple(matchers),
        exceptions=_compile("|".join(exceptions), where) if exceptions else None,
        cases=cases,
    )


@lru_cache(maxsize=8)
def load_rules(path: Path | str = DEFAULT_RULES_PATH) -> RuleSet:
    """Load, validate and compile a rules file; each path is read once per process.

    Args:
        path: the YAML rules file; the shipped data/screening-rules.yaml by default.

    Returns:
        The RuleSet, rules ordered highest severity first.

    Raises:
        ScreeningRulesError: unknown or missing keys, a key given twice in one mapping, a
            bad regex, a rule without cases, a duplicate id.
    """
    # Cached by path as given (cheap) and as resolved (one RuleSet per file).
    return _load_rules(Path(path).resolve())


@lru_cache(maxsize=4)
def _load_rules(path: Path) -> RuleSet:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    _check_keys(raw, TOP_KEYS, TOP_KEYS, str(path))
    _check_keys(raw["negation"], NEGATION_KEYS, NEGATION_KEYS, "negation")
    if not isinstance(raw["rules"], list) or not raw["rules"]:
        raise ScreeningRulesError("rules: expected a non-empty list")
    rules = [_rule(entry, index) for index, entry in enumerate(raw["rules"])]
    seen = set()
    for rule in rules:
        if rule.id in seen:
            raise ScreeningRulesError(f"rule {rule.id}: duplicate id")
        seen.add(rule.id)
    negation_words = "|".join(map(word_regex, _strings(raw["negation"]["words"], "negation")))
    fillers = "|".join(map(word_regex, _strings(raw["negation"]["fillers"], "negation")))
    # A negation ends the text just before a hit, perhaps with fillers ("不要", "拒绝任何"):
    # "拒绝加价" and "禁止倒卖" are promises, not offers.
    negation = _compile(f"(?:{negation_words})(?:{fillers}){{0,2}}{WORD_GAP}$", "negation")
    rules.sort(key=lambda rule: -rule.severity)
    return RuleSet(
        version=str(raw["version"]),
        rules=tuple(rules),
        negation=negation,
    )


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Fold text as the rules see it, character by character: NFKC ("￥２０" reads "¥20",
    "ＰＡＸ" reads "pax"), lower case, invisible characters dropped, punctuation kept as typed.

    Returns:
        The folded text and, when folding changed its length, for each of its characters the
        index in text it came from (one more entry at the end, for spans that reach the end);
        None when each character folded to exactly one.
    """
    one_to_one, changes_one, changes_length = _fold_tables()
    if not changes_length.search(text):
        return changes_one.sub(lambda match: one_to_one[match.group()], text), None
    folded, origin = [], []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    origin.append(len(text))
    return "".join(folded), origin


def _exempt(exceptions: re.Pattern, folded: str, start: int, end: int) -> bool:
    window = exceptions.finditer(folded, max(0, start - EXCEPTION_REACH), end + EXCEPTION_REACH)
    return any(match.start() <= start and end <= match.end() for match in window)


def screen(text: str, rules: RuleSet | None = None) -> list[RuleHit]:
    """Find every trading or off-whitelist rule that text breaks.

    Args:
        text: what a user wrote (a post's note).
        rules: the RuleSet to apply; the shipped rules by default.

    Returns:
        One RuleHit per match, highest severity first, then in reading order. Spans index
        text as given, so a hit in "出 售" or "￥２０" shows what the user typed. A match
        right after a negation ("不出售", "拒绝加价") or inside one of the rule's
        exceptions ("对头孢过敏") is not a hit.
    """
    rules = rules or load_rules()
    folded, origin = normalise(text)
    hits = []
    for rule in rules.rules:
        for matcher in rule.matchers:
            for match in matcher.finditer(folded):
                start, end = match.span()
                if start == end or rules.negation.search(
                    folded, max(0, start - NEGATION_REACH), start
                ):
                    continue
                if rule.exceptions is not None and _exempt(rule.exceptions, folded, start, end):
                    continue
                if origin is not None:
                    start, end = origin[start], origin[end - 1] + 1
                hits.append(RuleHit(rule.id, rule.kind, rule.severity, text[start:end], start, end))
    hits.sort(key=lambda hit: (-hit.severity, hit.start, hit.rule_id))
    return hits
