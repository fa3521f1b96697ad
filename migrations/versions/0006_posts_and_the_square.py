"""Posts as the square serves them: public positions on a grid, expiry, encrypted contacts,
items that carry their post's place for per-medicine KNN, contact reveals and idempotency keys.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 11:53:19.544199

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


SYNC_FUNCTIONS = """
CREATE FUNCTION post_items_copy_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.kind, p.status, p.created_at, p.expires_at, p.public_position
      INTO NEW.kind, NEW.post_status, NEW.post_created_at, NEW.post_expires_at, NEW.public_position
      FROM posts p
     WHERE p.id = NEW.post_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER post_items_copy_post BEFORE INSERT ON post_items
    FOR EACH ROW EXECUTE FUNCTION post_items_copy_post();

CREATE FUNCTION posts_sync_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_items
       SET kind = NEW.kind, post_status = NEW.status, post_created_at = NEW.created_at,
           post_expires_at = NEW.expires_at, public_position = NEW.public_position
     WHERE post_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER posts_sync_items AFTER UPDATE OF kind, status, created_at, expires_at, public_position
    ON posts FOR EACH ROW
    WHEN ((OLD.kind, OLD.status, OLD.created_at, OLD.expires_at, OLD.public_position)
          IS DISTINCT FROM (NEW.kind, NEW.status, NEW.created_at, NEW.expires_at, NEW.public_position))
    EXECUTE FUNCTION posts_sync_items();
"""


def upgrade():
    # No post was ever served before this revision; the only rows are demo posts, which
    # `make run` seeds again in the new shape. Columns below are NOT NULL without defaults.
    op.execute("DELETE FROM post_items")
    op.execute("DELETE FROM posts")
    op.create_table(
        "contact_reveals",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("viewer_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "revealed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_contact_reveals_post_id_posts")
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"], ["users.id"], name=op.f("fk_contact_reveals_viewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_reveals")),
    )
    op.create_index(
        "ix_contact_reveals_post_id_revealed_at",
        "contact_reveals",
        ["post_id", "revealed_at"],
        unique=False,
    )
    op.create_index(
        "ix_contact_reveals_viewer_id_revealed_at",
        "contact_reveals",
        ["viewer_id", "revealed_at"],
        unique=False,
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_idempotency_keys_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False
    )
    op.add_column("post_items", sa.Column("position", sa.SmallInteger(), nullable=False))
    op.add_column("post_items", sa.Column("pack_expires_on", sa.Date(), nullable=True))
    op.add_column("post_items", sa.Column("sealed", sa.Boolean(), nullable=True))
    op.add_column(
        "post_items",
        sa.Column("kind", sa.String(length=8), server_default=sa.FetchedValue(), nullable=False),
    )
    op.add_column(
        "post_items",
        sa.Column(
            "post_status", sa.String(length=10), server_default=sa.FetchedValue(), nullable=False
        ),
    )
    op.add_column(
        "post_items",
        sa.Column(
            "post_created_at",
            sa.DateTime(timezone=True),
            server_default=sa.FetchedValue(),
            nullable=False,
        ),
    )
    op.add_column(
        "post_items",
        sa.Column(
            "post_expires_at",
            sa.DateTime(timezone=True),
            server_default=sa.FetchedValue(),
            nullable=False,
        ),
    )
    op.add_geospatial_column(
        "post_items",
        sa.Column(
            "public_position",
            Geometry(
                geometry_type="POINT",
                srid=3857,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            server_default=sa.FetchedValue(),
            nullable=False,
        ),
    )
    op.drop_index(op.f("ix_post_items_medicine_id"), table_name="post_items")
    op.create_index(
        "ix_post_items_open_medicine_created",
        "post_items",
        [
            "medicine_id",
            sa.literal_column("post_created_at DESC"),
            sa.literal_column("post_id DESC"),
        ],
        unique=False,
        postgresql_where=sa.text("post_status = 'open'"),
    )
    op.create_index(
        "ix_post_items_open_medicine_kind_position",
        "post_items",
        ["medicine_id", "kind", "public_position"],
        unique=False,
        postgresql_using="gist",
        postgresql_where=sa.text("post_status = 'open'"),
    )
    op.create_unique_constraint(
        "uq_post_items_post_id_position", "post_items", ["post_id", "position"]
    )
    op.add_column("posts", sa.Column("catalog_edition_id", sa.SmallInteger(), nullable=False))
    op.add_geospatial_column(
        "posts",
        sa.Column(
            "public_position",
            Geometry(
                geometry_type="POINT",
                srid=3857,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
    )
    op.add_column("posts", sa.Column("address_hint", sa.String(length=100), nullable=True))
    op.add_column(
        "posts",
        sa.Column("urgency", sa.ARRAY(sa.String(length=16)), server_default="{}", nullable=False),
    )
    op.add_column("posts", sa.Column("contact_phone_encrypted", sa.LargeBinary(), nullable=True))
    op.add_column("posts", sa.Column("contact_phone_masked", sa.String(length=11), nullable=True))
    op.add_column(
        "posts",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.add_column("posts", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False))
    op.add_column("posts", sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=True))
    op.alter_column("posts", "area_code", existing_type=sa.VARCHAR(length=6), nullable=True)
    op.alter_column(
        "posts",
        "note",
        existing_type=sa.VARCHAR(length=200),
        type_=sa.String(length=500),
        existing_nullable=False,
        existing_server_default=sa.text("''::character varying"),
    )
    op.drop_index(op.f("ix_posts_area_code_created_at"), table_name="posts")
    op.drop_index(
        op.f("ix_posts_open_created_at"),
        table_name="posts",
        postgresql_where="((status)::text = 'open'::text)",
    )
    op.drop_index(
        op.f("ix_posts_open_kind_location"),
        table_name="posts",
        postgresql_using="gist",
        postgresql_where="((status)::text = 'open'::text)",
    )
    op.drop_index(op.f("ix_posts_user_id"), table_name="posts")
    op.create_index(
        "ix_posts_open_created_at_id",
        "posts",
        [sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "ix_posts_open_expires_at",
        "posts",
        ["expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "ix_posts_open_kind_public_position",
        "posts",
        ["kind", "public_position"],
        unique=False,
        postgresql_using="gist",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index("ix_posts_user_id_status", "posts", ["user_id", "status"], unique=False)
    op.create_foreign_key(
        op.f("fk_posts_catalog_edition_id_catalog_editions"),
        "posts",
        "catalog_editions",
        ["catalog_edition_id"],
        ["id"],
    )
    op.drop_column("posts", "contact_phone")
    # Autogenerate does not compare check constraints: these are by hand.
    op.drop_constraint(op.f("ck_posts_status_known"), "posts", type_="check")
    op.create_check_constraint(
        op.f("ck_posts_status_known"),
        "posts",
        "status IN ('open', 'resolved', 'expired', 'removed', 'withdrawn', 'deleted')",
    )
    # Each item carries its post's kind, status, times and public position, so that one GiST
    # row per item serves "nearest posts with this medicine"; triggers keep the copies true
    # whoever changes a post (the API, moderators, the expiry sweep, a bulk load).
    op.execute(SYNC_FUNCTIONS)


def downgrade():
    op.execute("DROP TRIGGER posts_sync_items ON posts")
    op.execute("DROP FUNCTION posts_sync_items()")
    op.execute("DROP TRIGGER post_items_copy_post ON post_items")
    op.execute("DROP FUNCTION post_items_copy_post()")
    op.execute("DELETE FROM contact_reveals")
    op.execute("DELETE FROM idempotency_keys")
    op.execute("DELETE FROM post_items")
    op.execute("DELETE FROM posts")
    op.drop_constraint(op.f("ck_posts_status_known"), "posts", type_="check")
    op.create_check_constraint(
        op.f("ck_posts_status_known"),
        "posts",
        "status IN ('open', 'resolved', 'removed', 'withdrawn')",
    )
    op.add_column(
        "posts",
        sa.Column("contact_phone", sa.VARCHAR(length=20), autoincrement=False, nullable=False),
    )
    op.drop_constraint(
        op.f("fk_posts_catalog_edition_id_catalog_editions"), "posts", type_="foreignkey"
    )
    op.drop_index("ix_posts_user_id_status", table_name="posts")
    op.drop_index(
        "ix_posts_open_kind_public_position",
        table_name="posts",
        postgresql_using="gist",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.drop_index(
        "ix_posts_open_expires_at", table_name="posts", postgresql_where=sa.text("status = 'open'")
    )
    op.drop_index(
        "ix_posts_open_created_at_id",
        table_name="posts",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(op.f("ix_posts_user_id"), "posts", ["user_id"], unique=False)
    op.create_index(
        op.f("ix_posts_open_kind_location"),
        "posts",
        ["kind", "location"],
        unique=False,
        postgresql_using="gist",
        postgresql_where="((status)::text = 'open'::text)",
    )
    op.create_index(
        op.f("ix_posts_open_created_at"),
        "posts",
        [sa.literal_column("created_at DESC")],
        unique=False,
        postgresql_where="((status)::text = 'open'::text)",
    )
    op.create_index(
        op.f("ix_posts_area_code_created_at"),
        "posts",
        ["area_code", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.alter_column(
        "posts",
        "note",
        existing_type=sa.String(length=500),
        type_=sa.VARCHAR(length=200),
        existing_nullable=False,
        existing_server_default=sa.text("''::character varying"),
    )
    op.alter_column("posts", "area_code", existing_type=sa.VARCHAR(length=6), nullable=False)
    op.drop_column("posts", "renewed_at")
    op.drop_column("posts", "expires_at")
    op.drop_column("posts", "updated_at")
    op.drop_column("posts", "contact_phone_masked")
    op.drop_column("posts", "contact_phone_encrypted")
    op.drop_column("posts", "urgency")
    op.drop_column("posts", "address_hint")
    op.drop_geospatial_column("posts", "public_position")
    op.drop_column("posts", "catalog_edition_id")
    op.drop_constraint("uq_post_items_post_id_position", "post_items", type_="unique")
    op.drop_index(
        "ix_post_items_open_medicine_kind_position",
        table_name="post_items",
        postgresql_using="gist",
        postgresql_where=sa.text("post_status = 'open'"),
    )
    op.drop_index(
        "ix_post_items_open_medicine_created",
        table_name="post_items",
        postgresql_where=sa.text("post_status = 'open'"),
    )
    op.create_index(op.f("ix_post_items_medicine_id"), "post_items", ["medicine_id"], unique=False)
    op.drop_geospatial_column("post_items", "public_position")
    op.drop_column("post_items", "post_expires_at")
    op.drop_column("post_items", "post_created_at")
    op.drop_column("post_items", "post_status")
    op.drop_column("post_items", "kind")
    op.drop_column("post_items", "sealed")
    op.drop_column("post_items", "pack_expires_on")
    op.drop_column("post_items", "position")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_contact_reveals_viewer_id_revealed_at", table_name="contact_reveals")
    op.drop_index("ix_contact_reveals_post_id_revealed_at", table_name="contact_reveals")
    op.drop_table("contact_reveals")
