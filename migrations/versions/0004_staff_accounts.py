"""Staff accounts for the review page: argon2id password hash, TOTP secret and lock-out state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:06:19.125898

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=False),
        sa.Column("last_totp_step", sa.BigInteger(), nullable=True),
        sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "starts_with(password_hash, '$argon2id$')",
            name=op.f("ck_staff_accounts_password_hash_argon2id"),
        ),
        sa.CheckConstraint(
            "role IN ('moderator', 'admin')", name=op.f("ck_staff_accounts_role_known")
        ),
        sa.CheckConstraint(
            "failed_sign_ins >= 0", name=op.f("ck_staff_accounts_failed_sign_ins_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_accounts_username")),
    )


def downgrade():
    op.drop_table("staff_accounts")
