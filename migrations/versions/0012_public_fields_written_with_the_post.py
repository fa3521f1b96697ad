"""Public fields written with the post: the masked note with its rules' version, the area name.

posts.public_note meant a moderator's masking; it becomes hand_masked_note, and public_note is
now what everyone but the owner reads, written whenever the note is (app/posts/public.py).
Existing rows get an empty public note and masking version 0 here: `flask medshare remask`
(which make run runs after migrating) masks them under the current rules, and until then no
unmasked note can show. area_name is copied from the districts table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 07:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("posts", "public_note", new_column_name="hand_masked_note")
    op.add_column(
        "posts",
        sa.Column("public_note", sa.String(length=500), server_default="", nullable=False),
    )
    op.add_column(
        "posts",
        sa.Column("masking_version", sa.SmallInteger(), server_default="0", nullable=False),
    )
    op.add_column("posts", sa.Column("area_name", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE posts SET area_name = districts.name_zh FROM districts"
        " WHERE districts.code = posts.area_code"
    )


def downgrade():
    op.drop_column("posts", "area_name")
    op.drop_column("posts", "masking_version")
    op.drop_column("posts", "public_note")
    op.alter_column("posts", "hand_masked_note", new_column_name="public_note")
