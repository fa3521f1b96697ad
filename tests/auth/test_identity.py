"""Identity numbers get a GB 11643 check character and are kept only as a keyed hash."""

import pytest

from app.auth.identity import check_character, id_number_digest


@pytest.mark.parametrize(
    ("first_17", "expected"),
    # Published examples of valid numbers: 11010519491231002X and 440524188001010014.
    [("11010519491231002", "X"), ("44052418800101001", "4")],
)
def test_check_character_follows_gb_11643(first_17, expected):
    assert check_character(first_17) == expected


def test_digest_is_keyed_and_ignores_case_and_spaces():
    digest = id_number_digest(" 11010519491231002x ", "key-one")
    assert digest == id_number_digest("11010519491231002X", "key-one")
    assert digest != id_number_digest("11010519491231002X", "key-two")
    assert b"11010519491231002" not in digest and len(digest) == 32
