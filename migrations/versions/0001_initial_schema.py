"""Initial schema: the catalog, users, posts and their items, with the square's indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:37:51.719092

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # Provisioning creates these as superuser (PostGIS is not a trusted extension); asking again
    # here makes the migration complete on a server where the owner may create them itself.
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "catalog_editions",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("is_current", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "loaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_editions")),
        sa.UniqueConstraint("code", name=op.f("uq_catalog_editions_code")),
    )
    op.create_index(
        "uq_catalog_editions_one_current",
        "catalog_editions",
        ["is_current"],
        unique=True,
        postgresql_where=sa.text("is_current"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("id_number_hmac", sa.LargeBinary(length=32), nullable=True),
        sa.Column("realname_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("id_number_hmac", name=op.f("uq_users_id_number_hmac")),
    )
    op.create_table(
        "medicines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("symptom_group", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("otc_class", sa.String(length=16), nullable=False),
        sa.Column("prohibited_reason", sa.String(length=32), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("unit_caps", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint(
            "NOT enabled OR (prohibited_reason IS NULL AND otc_class IN ('otc_a', 'otc_b', 'test_kit'))",
            name=op.f("ck_medicines_only_confirmed_otc_enabled"),
        ),
        sa.CheckConstraint(
            "category IN ('chemical', 'chinese_patent', 'test_kit')",
            name=op.f("ck_medicines_category_known"),
        ),
        sa.CheckConstraint(
            "otc_class IN ('otc_a', 'otc_b', 'test_kit', 'unconfirmed', 'prescription')",
            name=op.f("ck_medicines_otc_class_known"),
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["catalog_editions.id"],
            name=op.f("fk_medicines_edition_id_catalog_editions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicines")),
        sa.UniqueConstraint("edition_id", "code", name="uq_medicines_edition_id_code"),
    )
    op.create_geospatial_table(
        "posts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("area_code", sa.String(length=6), nullable=False),
        sa.Column("note", sa.String(length=200), server_default="", nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'resolved') = (resolved_at IS NOT NULL)",
            name=op.f("ck_posts_resolved_has_time"),
        ),
        sa.CheckConstraint("kind IN ('need', 'offer')", name=op.f("ck_posts_kind_known")),
        sa.CheckConstraint(
            "status IN ('open', 'resolved', 'removed')", name=op.f("ck_posts_status_known")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_posts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
    )
    op.create_index(
        "ix_posts_area_code_created_at",
        "posts",
        ["area_code", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_index(
        "ix_posts_open_created_at",
        "posts",
        [sa.literal_column("created_at DESC")],
        unique=False,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "ix_posts_open_kind_location",
        "posts",
        ["kind", "location"],
        unique=False,
        postgresql_using="gist",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(op.f("ix_posts_user_id"), "posts", ["user_id"], unique=False)
    op.create_table(
        "post_items",
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.SmallInteger(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_post_items_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["medicine_id"], ["medicines.id"], name=op.f("fk_post_items_medicine_id_medicines")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_items_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", "medicine_id", name=op.f("pk_post_items")),
    )
    op.create_index(op.f("ix_post_items_medicine_id"), "post_items", ["medicine_id"], unique=False)


def downgrade():
    # The extensions stay: they belong to the superuser who provisioned the database.
    op.drop_index(op.f("ix_post_items_medicine_id"), table_name="post_items")
    op.drop_table("post_items")
    op.drop_index(op.f("ix_posts_user_id"), table_name="posts")
    op.drop_index(
        "ix_posts_open_kind_location",
        table_name="posts",
        postgresql_using="gist",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.drop_index(
        "ix_posts_open_created_at", table_name="posts", postgresql_where=sa.text("status = 'open'")
    )
    op.drop_index("ix_posts_area_code_created_at", table_name="posts")
    op.drop_geospatial_table("posts")
    op.drop_table("medicines")
    op.drop_table("users")
    op.drop_index(
        "uq_catalog_editions_one_current",
        table_name="catalog_editions",
        postgresql_where=sa.text("is_current"),
    )
    op.drop_table("catalog_editions")
