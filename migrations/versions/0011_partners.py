"""Partners who embed MedShare, their keys (a SHA-256 of each secret only), the admins' record
of changes to them, the partner a post was made through, and the statistics' daily snapshot.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 06:57:33.317382

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partners",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column(
            "origins", postgresql.ARRAY(sa.String(length=200)), server_default="{}", nullable=False
        ),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column(
            "region_codes",
            postgresql.ARRAY(sa.String(length=6)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("status", sa.String(length=10), server_default="active", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("code ~ '^[a-z0-9][a-z0-9-]*$'", name=op.f("ck_partners_code_form")),
        sa.CheckConstraint(
            "status IN ('active', 'suspended')", name=op.f("ck_partners_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("code", name=op.f("uq_partners_code")),
    )
    op.create_table(
        "partner_changes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("partner_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("key_public_id", sa.String(length=16), nullable=True),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "action IN ('register', 'update', 'issue_key', 'rotate_key', 'revoke_key')",
            name=op.f("ck_partner_changes_action_known"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_changes_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_partner_changes_staff_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_changes")),
    )
    op.create_index(
        "ix_partner_changes_partner_id_changed_at",
        "partner_changes",
        ["partner_id", "changed_at"],
        unique=False,
    )
    op.create_table(
        "partner_keys",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("partner_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("environment", sa.String(length=4), nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaces_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "environment IN ('live', 'test')", name=op.f("ck_partner_keys_environment_known")
        ),
        sa.CheckConstraint("kind IN ('public', 'secret')", name=op.f("ck_partner_keys_kind_known")),
        sa.CheckConstraint(
            "secret_sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_partner_keys_secret_sha256_hex")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_keys_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["partner_keys.id"],
            name=op.f("fk_partner_keys_replaces_id_partner_keys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_keys")),
        sa.UniqueConstraint("public_id", name=op.f("uq_partner_keys_public_id")),
    )
    op.create_index("ix_partner_keys_partner_id", "partner_keys", ["partner_id"], unique=False)
    op.create_table(
        "stats_snapshots",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column(
            "taken_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_snapshots")),
        sa.UniqueConstraint("as_of", name=op.f("uq_stats_snapshots_as_of")),
    )
    for table, columns in (
        (
            "stats_cells",
            (
                sa.Column("resolved", sa.Integer(), nullable=False),
                sa.Column("resolution_minutes", postgresql.ARRAY(sa.Integer()), nullable=False),
            ),
        ),
        (
            "stats_medicine_cells",
            (sa.Column("medicine_code", sa.String(length=64), nullable=False),),
        ),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.BigInteger(), nullable=False),
            sa.Column("snapshot_id", sa.BigInteger(), nullable=False),
            sa.Column("day", sa.Date(), nullable=False),
            sa.Column("area_code", sa.String(length=6), nullable=True),
            sa.Column("city_code", sa.String(length=6), nullable=True),
            sa.Column("province_code", sa.String(length=6), nullable=True),
            sa.Column("partner_id", sa.BigInteger(), nullable=True),
            sa.Column("kind", sa.String(length=8), nullable=False),
            sa.Column("posts", sa.Integer(), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(
                ["partner_id"], ["partners.id"], name=op.f(f"fk_{table}_partner_id_partners")
            ),
            sa.ForeignKeyConstraint(
                ["snapshot_id"],
                ["stats_snapshots.id"],
                name=op.f(f"fk_{table}_snapshot_id_stats_snapshots"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(f"ix_{table}_snapshot_id_day", table, ["snapshot_id", "day"], unique=False)
    # Nullable, with no default: PostgreSQL adds it without rewriting the posts table.
    op.add_column("posts", sa.Column("partner_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_posts_partner_id_partners"), "posts", "partners", ["partner_id"], ["id"]
    )


def downgrade():
    for table in ("stats_medicine_cells", "stats_cells"):
        op.drop_index(f"ix_{table}_snapshot_id_day", table_name=table)
        op.drop_table(table)
    op.drop_table("stats_snapshots")
    op.drop_constraint(op.f("fk_posts_partner_id_partners"), "posts", type_="foreignkey")
    op.drop_column("posts", "partner_id")
    op.drop_index("ix_partner_keys_partner_id", table_name="partner_keys")
    op.drop_table("partner_keys")
    op.drop_index("ix_partner_changes_partner_id_changed_at", table_name="partner_changes")
    op.drop_table("partner_changes")
    op.drop_table("partners")
