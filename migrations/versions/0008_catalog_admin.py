"""Catalog entries carry pinyin, dosage forms and who confirmed their OTC class; changes are logged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:12:40.118203

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
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
    op.add_column(
        "medicines", sa.Column("otc_confirmed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("medicines", sa.Column("otc_confirmed_by", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_medicines_otc_confirmed_by_staff_accounts"),
        "medicines",
        "staff_accounts",
        ["otc_confirmed_by"],
        ["id"],
    )
    op.create_check_constraint(
        op.f("ck_medicines_otc_confirmation_complete"),
        "medicines",
        "(otc_confirmed_at IS NULL) = (otc_confirmed_by IS NULL)",
    )
    op.create_check_constraint(
        op.f("ck_medicines_otc_confirmed_as_otc"),
        "medicines",
        "otc_confirmed_at IS NULL OR otc_class IN ('otc_a', 'otc_b')",
    )
    op.create_table(
        "catalog_changes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "action IN ('enable', 'disable', 'confirm')",
            name=op.f("ck_catalog_changes_action_known"),
        ),
        sa.CheckConstraint("btrim(reason) <> ''", name=op.f("ck_catalog_changes_reason_given")),
        sa.ForeignKeyConstraint(
            ["medicine_id"],
            ["medicines.id"],
            name=op.f("fk_catalog_changes_medicine_id_medicines"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_catalog_changes_staff_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_changes")),
    )
    op.create_index(
        "ix_catalog_changes_medicine_id_changed_at",
        "catalog_changes",
        ["medicine_id", "changed_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_catalog_changes_medicine_id_changed_at", table_name="catalog_changes")
    op.drop_table("catalog_changes")
    op.drop_constraint(op.f("ck_medicines_otc_confirmed_as_otc"), "medicines", type_="check")
    op.drop_constraint(op.f("ck_medicines_otc_confirmation_complete"), "medicines", type_="check")
    op.drop_constraint(
        op.f("fk_medicines_otc_confirmed_by_staff_accounts"), "medicines", type_="foreignkey"
    )
    for column in ("otc_confirmed_by", "otc_confirmed_at", "forms", "pinyin_initials", "pinyin"):
        op.drop_column("medicines", column)
