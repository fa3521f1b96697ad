"""Names are checked as documents write them, and only the masked family name is ever shown."""

import pytest

from app.me.names import WRONG_CHARACTERS, WRONG_LENGTH, NameRejected, mask_name, normalise_name


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("刘德", "刘*"),
        ("刘德华", "刘**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马相如", "司马**"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        # Two characters are one family and one given character, or the mask would show it all.
        ("欧阳", "欧*"),
        ("买买提·艾力", "买****"),
        ("阿卜杜勒·买买提·艾力", "阿********"),
        ("John Smith", "J***"),
        ("maria garcía lópez", "M****"),
        ("Jean-Luc Picard", "J*******"),
        ("Lee", "L**"),
        # A character from CJK extension B.
        ("𠮷田", "𠮷*"),
    ],
)
def test_display_form_keeps_only_the_family_name(written, masked):
    assert mask_name(normalise_name(written)) == masked


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        (" 刘德华 ", "刘德华"),
        ("刘 德 华", "刘德华"),
        ("买买提.艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("  John   Smith ", "John Smith"),
        ("Ｊｏｈｎ Ｓｍｉｔｈ", "John Smith"),
        ("O’Neil Ann", "O'Neil Ann"),
    ],
)
def test_names_are_normalised_as_documents_write_them(written, normal):
    assert normalise_name(written) == normal


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("刘", WRONG_LENGTH),
        ("", WRONG_LENGTH),
        ("   ", WRONG_LENGTH),
        ("J", WRONG_LENGTH),
        ("a" * 41, WRONG_LENGTH),
        ("刘a", WRONG_CHARACTERS),
        ("刘德华1", WRONG_CHARACTERS),
        ("John2 Smith", WRONG_CHARACTERS),
        ("·买买提", WRONG_CHARACTERS),
        ("买买提·", WRONG_CHARACTERS),
        ("买买提··艾力", WRONG_CHARACTERS),
        ("John_Smith", WRONG_CHARACTERS),
        ("-John", WRONG_CHARACTERS),
        ("Иван Петров", WRONG_CHARACTERS),
        ("刘德华😀", WRONG_CHARACTERS),
        ("<script>", WRONG_CHARACTERS),
    ],
)
def test_names_no_document_could_carry_are_rejected(written, message):
    with pytest.raises(NameRejected) as rejected:
        normalise_name(written)
    assert rejected.value.message == message
    assert rejected.value.field == "name"


def test_forty_characters_is_the_longest_name():
    assert normalise_name("a" * 40) == "a" * 40
