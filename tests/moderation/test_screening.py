"""Trading and off-whitelist screening: every rule's own cases, the loader's refusals, spans."""

import glob
import os
import textwrap
import time

import pytest
import yaml

from app.catalog.service import DATA_DIR, RULES_PATH
from moderation.screening import (
    DEFAULT_RULES_PATH,
    ScreeningRulesError,
    load_rules,
    screen,
)

RULES = load_rules()
CATALOG_FILES = sorted(set(glob.glob(os.path.join(DATA_DIR, "*.yaml"))) - {RULES_PATH})


def _cases(side):
    for rule in RULES.rules:
        for index, text in enumerate(rule.cases[side]):
            yield pytest.param(rule.id, text, id=f"{rule.id}-{side}-{index}")


@pytest.mark.parametrize(("rule_id", "text"), list(_cases("hits")))
def test_each_hit_case_hits_its_rule(rule_id, text):
    assert rule_id in {hit.rule_id for hit in screen(text)}


@pytest.mark.parametrize(("rule_id", "text"), list(_cases("misses")))
def test_each_miss_case_hits_no_rule_at_all(rule_id, text):
    assert screen(text) == []


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda rule: rule.id)
def test_every_rule_has_at_least_four_hits_and_four_misses(rule):
    assert len(rule.cases["hits"]) >= 4
    assert len(rule.cases["misses"]) >= 4


def test_no_whitelisted_medicine_name_trips_an_off_whitelist_rule():
    names = []
    for path in CATALOG_FILES:
        with open(path, encoding="utf-8") as handle:
            for entry in yaml.safe_load(handle)["medicines"]:
                names += [entry["name_zh"], entry["name_en"]]
    assert names
    assert [(name, hit.rule_id) for name in names for hit in screen(name)] == []


def test_a_hit_names_its_rule_and_the_span_the_user_typed():
    text = "家里多的布洛芬，20元一盒"
    [hit] = screen(text)
    assert (hit.rule_id, hit.kind, hit.severity) == ("price_amount", "trading", 2)
    assert (hit.start, hit.end, hit.matched_text) == (8, 11, "20元")
    assert text[hit.start : hit.end] == hit.matched_text


@pytest.mark.parametrize(
    ("text", "rule_id", "typed"),
    [
        ("抗原 ￥２０ 一支", "price_amount", "￥２０"),
        ("布洛芬出 售", "sale_words", "出 售"),
        ("布洛芬出-售", "sale_words", "出-售"),
        ("抗原加 价出", "resale_markup", "加 价"),
        ("出\u200b售两盒", "sale_words", "出\u200b售"),
        ("ＰＡＸＬＯＶＩＤ一盒", "off_whitelist_antiviral_rx", "ＰＡＸＬＯＶＩＤ"),
    ],
)
def test_obfuscated_words_still_hit_and_report_what_was_typed(text, rule_id, typed):
    hits = [hit for hit in screen(text) if hit.rule_id == rule_id]
    assert [hit.matched_text for hit in hits] == [typed]
    assert all(text[hit.start : hit.end] == hit.matched_text for hit in hits)


def test_a_word_does_not_run_across_a_comma():
    assert screen("快递已签收，药挺好的") == []


def test_hits_come_highest_severity_first_then_in_reading_order():
    hits = screen("20元一盒，医院开的，出售")
    assert [hit.rule_id for hit in hits] == ["sale_words", "price_amount", "prescription_words"]


def test_barter_and_tips_rank_below_a_sale_with_a_price():
    severity = {rule.id: rule.severity for rule in RULES.rules}
    asking_in_kind = max(severity["barter"], severity["tips_fees"])
    assert asking_in_kind < min(severity["price_amount"], severity["bare_price"])


# Notes are at most 500 characters. Each is built to tempt one pattern into backtracking: a
# run of what a rule starts with that never completes it. A catastrophic regex takes seconds
# on these; the shipped rules take about a millisecond, so the bound leaves room for a busy
# machine.
SLOW_NOTE_BUDGET_SECONDS = 0.05
TEMPTING_NOTES = {
    "ordinary": ("家里多的布洛芬一盒30片，每天3次，一次1片，有效期到2025年，不用换任何东西。" * 12)[
        :500
    ],
    "digits": "1" * 500,
    "chinese-numerals": "十" * 499 + "片",
    "unit-then-digits": "一盒" + "1" * 497 + "片",
    "barter-openers": "拿" * 500,
    "swap-without-end": "换一盒" + "药" * 497,
    "price-then-nothing": "价格" * 250,
    "dm-without-price": "dm me " * 83,
    "spaced-digits": "1 " * 250,
}


@pytest.mark.parametrize("note", TEMPTING_NOTES.values(), ids=TEMPTING_NOTES.keys())
def test_a_500_character_note_screens_fast_even_when_built_to_backtrack(note):
    assert len(note) <= 500
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        screen(note)
        timings.append(time.perf_counter() - started)
    assert min(timings) < SLOW_NOTE_BUDGET_SECONDS


def test_the_shipped_rules_carry_a_version():
    assert RULES.version
    assert load_rules() is load_rules(DEFAULT_RULES_PATH)


GOOD_RULE = """
  - id: sale_words
    kind: trading
    severity: 3
    description: {zh: 出售, en: Sale}
    words: [出售]
    cases: {hits: [出售布洛芬], misses: [免费送]}
"""


def _load(tmp_path, rules_yaml, header="version: t.1\nnegation: {words: [不], fillers: [要]}\n"):
    path = tmp_path / "rules.yaml"
    path.write_text(header + "rules:\n" + textwrap.dedent(rules_yaml), encoding="utf-8")
    return load_rules(path)


def test_a_well_formed_file_loads(tmp_path):
    rules = _load(tmp_path, GOOD_RULE)
    assert rules.version == "t.1"
    assert [hit.rule_id for hit in screen("出售两盒", rules)] == ["sale_words"]
    assert screen("不要出售", rules) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("words: [出售]", "patterns: ['出售(']"), "bad regex"),
        (
            (
                "cases: {hits: [出售布洛芬], misses: [免费送]}",
                "cases: {hits: [出售布洛芬], misses: []}",
            ),
            "cases.misses is empty",
        ),
        (("    cases: {hits: [出售布洛芬], misses: [免费送]}\n", ""), "missing keys ['cases']"),
        (("words: [出售]", "words: [出售]\n    price: 3"), "unknown keys ['price']"),
        (("kind: trading", "kind: selling"), "kind must be one of"),
        (("severity: 3", "severity: 5"), "severity must be 1, 2 or 3"),
        (("words: [出售]", "words: []"), "needs words or patterns"),
    ],
    ids=[
        "bad-regex",
        "no-miss-cases",
        "no-cases",
        "unknown-key",
        "bad-kind",
        "bad-severity",
        "nothing-to-match",
    ],
)
def test_the_loader_refuses_a_broken_rule_and_says_which(tmp_path, change, message):
    with pytest.raises(ScreeningRulesError, match="sale_words") as refusal:
        _load(tmp_path, GOOD_RULE.replace(*change))
    assert message in str(refusal.value)


def test_the_loader_refuses_a_duplicate_id(tmp_path):
    with pytest.raises(ScreeningRulesError, match="rule sale_words: duplicate id"):
        _load(tmp_path, GOOD_RULE + GOOD_RULE)


def test_the_loader_refuses_a_rule_that_lost_its_id_line_and_swallowed_the_next(tmp_path):
    merged = GOOD_RULE + GOOD_RULE.replace("sale_words", "other_rule").replace(
        "  - id: other_rule\n", ""
    )
    with pytest.raises(ScreeningRulesError, match=r"line \d+: duplicate key 'kind'"):
        _load(tmp_path, merged)


def test_the_loader_refuses_an_unknown_top_level_key(tmp_path):
    header = "version: t.1\nnegation: {words: [不], fillers: [要]}\nowner: me\n"
    with pytest.raises(ScreeningRulesError, match=r"unknown keys \['owner'\]"):
        _load(tmp_path, GOOD_RULE, header=header)
