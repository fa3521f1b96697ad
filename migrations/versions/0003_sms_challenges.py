"""H5 sign-in by SMS code: one row per code sent, holding only keyed hashes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:04:00.688320

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_challenges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("mobile_hmac", sa.LargeBinary(length=32), nullable=False),
        sa.Column("client_hmac", sa.LargeBinary(length=32), nullable=False),
        sa.Column("code_hmac", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_sms_challenges_expires_after_created")
        ),
        sa.CheckConstraint("tries >= 0", name=op.f("ck_sms_challenges_tries_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_challenges")),
    )
    op.create_index(
        "ix_sms_challenges_client_hmac_created_at",
        "sms_challenges",
        ["client_hmac", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_sms_challenges_mobile_hmac_created_at",
        "sms_challenges",
        ["mobile_hmac", "created_at"],
        unique=False,
    )
    op.create_index(
        "uq_sms_challenges_open_mobile_hmac",
        "sms_challenges",
        ["mobile_hmac"],
        unique=True,
        postgresql_where=sa.text("consumed_at IS NULL"),
    )


def downgrade():
    op.drop_index("uq_sms_challenges_open_mobile_hmac", table_name="sms_challenges")
    op.drop_index("ix_sms_challenges_mobile_hmac_created_at", table_name="sms_challenges")
    op.drop_index("ix_sms_challenges_client_hmac_created_at", table_name="sms_challenges")
    op.drop_table("sms_challenges")
