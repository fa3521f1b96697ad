"""Identity numbers are checked by their check character and kept only as a keyed hash."""

import pytest

from app.auth.identity import check_character, id_number_digest, is_valid_id_number


@pytest.mark.parametrize(
    "id_number", ["11010519491231002X", "11010519491231002x", "440524188001010014"]
)
def test_well_formed_identity_numbers_pass(id_number):
    assert is_valid_id_number(id_number)


@pytest.mark.parametrize(
    "id_number", ["110105194912310021", "11010519491231002", "1101051949123100XX", ""]
)
def test_wrong_check_character_or_shape_fails(id_number):
    assert not is_valid_id_number(id_number)


def test_check_character_follows_gb_11643():
    assert check_character("11010519491231002") == "X"
    assert check_character("44052418800101001") == "4"


def test_digest_is_keyed_and_ignores_case_and_spaces():
    digest = id_number_digest(" 11010519491231002x ", "key-one")
    assert digest == id_number_digest("11010519491231002X", "key-one")
    assert digest != id_number_digest("11010519491231002X", "key-two")
    assert b"11010519491231002" not in digest and len(digest) == 32
