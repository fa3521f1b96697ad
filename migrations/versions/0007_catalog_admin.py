"""Catalog entries carry their pinyin and dosage forms.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-24 10:12:40.118203

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Rows already loaded get empty values here; `medshare load-catalog`, which `make database`
    # runs right after upgrading, fills them from the edition's file.
    op.add_column(
        "medicines",
        sa.Column("pinyin", sa.String(length=200), server_default="", nullable=False),
    )
    op.add_column(
        "medicines",
        sa.Column("pinyin_initials", sa.String(length=64), server_default="", nullable=False),
    )
    op.add_column(
        "medicines",
        sa.Column(
            "forms",
            postgresql.ARRAY(sa.String(length=16)),
            server_default="{}",
            nullable=False,
        ),
    )
    for column in ("pinyin", "pinyin_initials", "forms"):
        op.alter_column("medicines", column, server_default=None)


def downgrade():
    for column in ("forms", "pinyin_initials", "pinyin"):
        op.drop_column("medicines", column)
