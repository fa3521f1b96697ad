"""The catalog's edition files: pinyin as pypinyin reads each name, and no entry that starts
enabled against the rules."""

import glob
import os
import re

import pytest
import yaml
from pypinyin import Style, lazy_pinyin

from app.catalog.models import POSTABLE_OTC_CLASSES
from app.catalog.service import DATA_DIR, RULES_PATH, prohibited_reason

EDITION_FILES = sorted(set(glob.glob(os.path.join(DATA_DIR, "*.yaml"))) - {RULES_PATH})


def _entries():
    for path in EDITION_FILES:
        with open(path, encoding="utf-8") as handle:
            for entry in yaml.safe_load(handle)["medicines"]:
                yield pytest.param(entry, id=f"{os.path.basename(path)}:{entry['code']}")


ENTRIES = list(_entries())


def pypinyin_reading(name_zh: str) -> str:
    # Punctuation in a displayed name ("连花清瘟颗粒/胶囊", "藿香正气（胶囊/水/口服液）")
    # is not read.
    syllables = lazy_pinyin(name_zh, style=Style.NORMAL)
    return " ".join(syllable for syllable in syllables if re.fullmatch(r"[a-z]+", syllable))


def test_there_is_an_edition_to_check():
    assert ENTRIES


@pytest.mark.parametrize("entry", ENTRIES)
def test_committed_pinyin_is_pypinyins_reading_unless_a_note_says_why(entry):
    if "pinyin_note" not in entry:
        assert entry["pinyin"] == pypinyin_reading(entry["name_zh"])
        return
    # A polyphone pypinyin reads wrongly: the hand-written pinyin stands, with its reason.
    assert entry["pinyin_note"].strip()
    assert entry["pinyin"] != pypinyin_reading(entry["name_zh"]), "the note overrides nothing"


@pytest.mark.parametrize("entry", ENTRIES)
def test_no_entry_starts_enabled_that_the_rules_keep_off(entry):
    if entry["enabled"]:
        assert prohibited_reason(entry) is None
        assert entry["otc_class"] in POSTABLE_OTC_CLASSES
