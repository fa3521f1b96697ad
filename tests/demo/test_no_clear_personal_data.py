"""After seeding, no column of any table holds a phone or identity number in clear.

A demo contact is a Fernet token (checked by decrypting it) and a mask that shows 3 + 4 digits.
"""

import re

from sqlalchemy import select

from app.auth.models import User
from app.demo.seed import DEMO_PHONE_PREFIX, seed_demo_posts
from app.extensions import db
from app.posts.contact import decrypt_phone
from app.posts.models import Post
from moderation.masking import find_personal_data
from tests.me.test_no_clear_personal_data import every_value

MASK = re.compile(r"1[3-9]\d\*{4}\d{4}")
CONTACT = ("posts", "contact_phone_encrypted")


def test_demo_contacts_are_encrypted_numbers_of_a_segment_no_one_has(catalog):
    seed_demo_posts(300, seed=3)
    contacts = catalog.execute(
        select(Post.contact_phone_encrypted, Post.contact_phone_masked)
    ).all()
    assert len(contacts) == 300
    for token, mask in contacts:
        phone = decrypt_phone(token)
        assert phone.startswith(DEMO_PHONE_PREFIX) and len(phone) == 11
        assert MASK.fullmatch(mask) and mask == f"{phone[:3]}****{phone[-4:]}"


def test_no_column_of_any_table_holds_a_clear_phone_or_identity_number(catalog):
    seed_demo_posts(300, seed=3)
    digests = catalog.scalars(select(User.id_number_hmac)).all()
    assert digests and all(len(digest) == 32 for digest in digests)
    scanned = 0
    for table_name, column_name, value in every_value(catalog):
        if table_name not in db.metadata.tables:
            continue  # PostGIS's own spatial_ref_sys
        scanned += 1
        kinds = {finding.kind for finding in find_personal_data(value)}
        assert "id_number" not in kinds, f"{table_name}.{column_name} holds {value!r}"
        # A Fernet token is url-safe base64, where digits may run; it was decrypted above.
        if (table_name, column_name) != CONTACT:
            assert "mobile" not in kinds, f"{table_name}.{column_name} holds {value!r}"
    assert scanned > 300 * 5
