"""The one reading of a note every detector shares, and its map back to what was written."""

import pytest

from moderation.normalise import normalise

READ_AS = [
    ("1️⃣3️⃣8️⃣", "138"),
    ("１３８－０", "138-0"),
    ("①③⑧⓪", "1380"),
    ("❶❸❽⓿ ➀⓵", "1380 11"),
    ("⑴⑶", "(1)(3)"),
    ("١٣٨", "138"),
    ("一三八零", "1380"),
    ("壹叁捌〇 貳參陸", "1380 236"),
    ("幺三拐 两勾洞", "137 290"),
    ("zhang三", "zhang3"),
    ("lily一九九零", "lily1990"),
    ("138OO138OOO", "13800138000"),
    ("l39 OO12", "139 0012"),
    ("one three eight", "1 3 8"),
    ("one5nine", "159"),
    ("微\u200b信\ufeff", "微信"),
    ("z h a n g 8 8", "zhang88"),
    ("l-i-h-u-a", "lihua"),
    ("l i h u a @ 1 6 3 . c o m", "lihua@163.com"),
]
# Words, not numbers: what the detectors must still see as written.
LEFT_AS_WRITTEN = [
    "还剩一盒、两片",
    "三号楼",
    "十一月",
    "二十三",
    "拐弯处",
    "一栋楼",
    "someone",
    "one or two",
    "I love you",
    "lol 123",
    "O2O",
    "Lot B2203151",
    "tel139",
]


@pytest.mark.parametrize(("text", "read"), READ_AS)
def test_every_spelling_of_a_digit_reads_as_the_digit(text, read):
    assert normalise(text).text == read


@pytest.mark.parametrize("text", LEFT_AS_WRITTEN)
def test_digit_words_outside_numbers_are_left_as_they_are(text):
    assert normalise(text).text == text


@pytest.mark.parametrize(("text", "_"), READ_AS)
def test_each_character_read_maps_back_to_what_was_written(text, _):
    normalised = normalise(text)
    assert len(normalised.starts) == len(normalised.ends) == len(normalised.text)
    assert normalised.starts[0] == 0
    assert normalised.ends[-1] == len(text)
    assert all(start < end for start, end in zip(normalised.starts, normalised.ends, strict=True))
    assert normalised.starts == sorted(normalised.starts)


def test_a_keycap_digit_maps_back_to_its_marks_as_well():
    normalised = normalise("打1️⃣3️⃣吧")
    assert normalised.text == "打13吧"
    assert normalised.original_span(1, 3) == (1, 7)


def test_an_english_digit_word_maps_back_to_the_whole_word():
    normalised = normalise("电话 one5nine")
    assert normalised.text == "电话 159"
    assert normalised.original_span(3, 4) == (3, 6)
    assert normalised.original_span(3, 6) == (3, 11)
