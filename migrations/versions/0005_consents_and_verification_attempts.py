"""Consents with their policy versions, counted verification attempts, withdrawn posts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:08:12.801775

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consents",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("policy_version", sa.String(length=16), nullable=False),
        sa.Column(
            "granted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('identity_verification', 'location', 'contact')",
            name=op.f("ck_consents_purpose_known"),
        ),
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= granted_at",
            name=op.f("ck_consents_withdrawn_after_granted"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_consents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_user_id"), "consents", ["user_id"], unique=False)
    op.create_index(
        "uq_consents_active_user_id_purpose",
        "consents",
        ["user_id", "purpose"],
        unique=True,
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )
    op.create_table(
        "verification_attempts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('match', 'mismatch', 'not_found', 'number_refused', 'name_refused', "
            "'unavailable')",
            name=op.f("ck_verification_attempts_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_verification_attempts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_attempts")),
    )
    op.create_index(
        "ix_verification_attempts_user_id_attempted_at",
        "verification_attempts",
        ["user_id", "attempted_at"],
        unique=False,
    )
    # Autogenerate does not compare check constraints: posts gain the "withdrawn" status by hand.
    op.drop_constraint(op.f("ck_posts_status_known"), "posts", type_="check")
    op.create_check_constraint(
        op.f("ck_posts_status_known"),
        "posts",
        "status IN ('open', 'resolved', 'removed', 'withdrawn')",
    )


def downgrade():
    # Posts withdrawn by a consent's withdrawal were taken down, as "removed" ones are.
    op.execute("UPDATE posts SET status = 'removed' WHERE status = 'withdrawn'")
    op.drop_constraint(op.f("ck_posts_status_known"), "posts", type_="check")
    op.create_check_constraint(
        op.f("ck_posts_status_known"), "posts", "status IN ('open', 'resolved', 'removed')"
    )
    op.drop_index(
        "ix_verification_attempts_user_id_attempted_at", table_name="verification_attempts"
    )
    op.drop_table("verification_attempts")
    op.drop_index(
        "uq_consents_active_user_id_purpose",
        table_name="consents",
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )
    op.drop_index(op.f("ix_consents_user_id"), table_name="consents")
    op.drop_table("consents")
