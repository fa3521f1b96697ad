"""Accounts sign in: sessions for tokens, real-name levels, hashed mobile numbers and openids.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:55:50.034042

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("client", sa.String(length=10), nullable=False),
        sa.Column("generation", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "client IN ('wechat', 'h5')", name=op.f("ck_auth_sessions_client_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    op.create_index(op.f("ix_auth_sessions_user_id"), "auth_sessions", ["user_id"], unique=False)
    op.create_table(
        "user_verifications",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column(
            "verified_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "level IN ('phone', 'identity')", name=op.f("ck_user_verifications_level_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_verifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "level", name=op.f("pk_user_verifications")),
    )
    op.add_column(
        "users", sa.Column("status", sa.String(length=10), server_default="active", nullable=False)
    )
    op.add_column("users", sa.Column("phone_hmac", sa.LargeBinary(length=32), nullable=True))
    op.add_column(
        "users", sa.Column("wechat_openid_hmac", sa.LargeBinary(length=32), nullable=True)
    )
    op.add_column("users", sa.Column("phone_masked", sa.String(length=16), nullable=True))
    op.alter_column(
        "users",
        "display_name",
        existing_type=sa.VARCHAR(length=40),
        server_default="邻居",
        existing_nullable=False,
    )
    op.create_unique_constraint(op.f("uq_users_phone_hmac"), "users", ["phone_hmac"])
    op.create_unique_constraint(
        op.f("uq_users_wechat_openid_hmac"), "users", ["wechat_openid_hmac"]
    )
    op.create_check_constraint(
        op.f("ck_users_status_known"), "users", "status IN ('active', 'banned', 'deleted')"
    )
    # A verified account keeps its level: the old timestamp becomes an "identity" record.
    op.execute(
        "INSERT INTO user_verifications (user_id, level, provider, verified_at) "
        "SELECT id, 'identity', 'before-levels', realname_verified_at FROM users "
        "WHERE realname_verified_at IS NOT NULL"
    )
    op.drop_column("users", "realname_verified_at")


def downgrade():
    op.add_column(
        "users",
        sa.Column(
            "realname_verified_at",
            postgresql.TIMESTAMP(timezone=True),
            autoincrement=False,
            nullable=True,
        ),
    )
    op.execute(
        "UPDATE users SET realname_verified_at = v.verified_at FROM user_verifications v "
        "WHERE v.user_id = users.id AND v.level = 'identity'"
    )
    op.drop_constraint(op.f("ck_users_status_known"), "users", type_="check")
    op.drop_constraint(op.f("uq_users_wechat_openid_hmac"), "users", type_="unique")
    op.drop_constraint(op.f("uq_users_phone_hmac"), "users", type_="unique")
    op.alter_column(
        "users",
        "display_name",
        existing_type=sa.VARCHAR(length=40),
        server_default=None,
        existing_nullable=False,
    )
    op.drop_column("users", "phone_masked")
    op.drop_column("users", "wechat_openid_hmac")
    op.drop_column("users", "phone_hmac")
    op.drop_column("users", "status")
    op.drop_table("user_verifications")
    op.drop_index(op.f("ix_auth_sessions_user_id"), table_name="auth_sessions")
    op.drop_table("auth_sessions")
