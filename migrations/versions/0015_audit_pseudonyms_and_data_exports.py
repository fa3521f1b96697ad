"""Audit entries name users by a pseudonym; the data exports each user asked for, counted.

moderation_audit.user_id becomes user_pseudonym, a random UUID that only audit_pseudonyms ties
to the account; deleting the account deletes that row (app/auth/pseudonyms.py). Entries
already written get their user's pseudonym here: the one rewrite of the append-only trail, by
the owner role with its trigger set aside for the statement, and no other column touched.
data_exports counts GET /me/export per user, for its daily limit.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

APPEND_ONLY_TRIGGER = "moderation_audit_append_only"


def _rewrite_audit(statement: str) -> None:
    op.execute(f"ALTER TABLE moderation_audit DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
    op.execute(statement)
    op.execute(f"ALTER TABLE moderation_audit ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")


def upgrade():
    op.create_table(
        "audit_pseudonyms",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("pseudonym", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_audit_pseudonyms_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_audit_pseudonyms")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_audit_pseudonyms_pseudonym")),
    )
    op.add_column("moderation_audit", sa.Column("user_pseudonym", sa.Uuid(), nullable=True))
    op.execute(
        "INSERT INTO audit_pseudonyms (user_id, pseudonym)"
        " SELECT user_id, gen_random_uuid() FROM"
        " (SELECT DISTINCT user_id FROM moderation_audit WHERE user_id IS NOT NULL) AS actors"
    )
    _rewrite_audit(
        "UPDATE moderation_audit SET user_pseudonym = audit_pseudonyms.pseudonym"
        " FROM audit_pseudonyms WHERE audit_pseudonyms.user_id = moderation_audit.user_id"
    )
    op.drop_constraint("fk_moderation_audit_user_id_users", "moderation_audit", type_="foreignkey")
    op.drop_column("moderation_audit", "user_id")

    op.create_table(
        "data_exports",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "exported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_data_exports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
    )
    op.create_index(
        "ix_data_exports_user_id_exported_at", "data_exports", ["user_id", "exported_at"]
    )


def downgrade():
    op.drop_index("ix_data_exports_user_id_exported_at", table_name="data_exports")
    op.drop_table("data_exports")
    op.add_column("moderation_audit", sa.Column("user_id", sa.BigInteger(), nullable=True))
    _rewrite_audit(
        "UPDATE moderation_audit SET user_id = audit_pseudonyms.user_id"
        " FROM audit_pseudonyms WHERE audit_pseudonyms.pseudonym = moderation_audit.user_pseudonym"
    )
    op.create_foreign_key(
        "fk_moderation_audit_user_id_users", "moderation_audit", "users", ["user_id"], ["id"]
    )
    op.drop_column("moderation_audit", "user_pseudonym")
    op.drop_table("audit_pseudonyms")
