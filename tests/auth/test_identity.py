"""Identity numbers get a GB 11643 check character and are kept only as a keyed hash."""

import pytest
from sqlalchemy import String, select

from app.auth.identity import check_character, id_number_digest
from app.auth.models import User
from app.demo.seed import seed_demo_posts
from app.extensions import db
from moderation.masking import ID_NUMBER


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


def test_no_table_holds_an_identity_number_in_clear(catalog):
    seed_demo_posts(100, seed=3)
    digests = catalog.scalars(select(User.id_number_hmac)).all()
    assert digests and all(len(digest) == 32 for digest in digests)
    for table in db.metadata.sorted_tables:
        text_columns = [column for column in table.columns if isinstance(column.type, String)]
        for row in catalog.execute(select(*text_columns)):
            for value in row:
                assert not ID_NUMBER.search(value or ""), f"{table.name} holds {value!r}"
