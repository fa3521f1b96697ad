"""China's administrative divisions with their boundaries, for narrowing the square by area.

Rows come from geo/data/districts.geojson.gz through `flask medshare load-districts`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:04:07.525307

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_geospatial_table(
        "districts",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("parent_code", sa.String(length=6), nullable=True),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("name_zh", sa.String(length=40), nullable=False),
        sa.Column(
            "boundary",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("code ~ '^[0-9]{6}$'", name=op.f("ck_districts_code_six_digits")),
        sa.CheckConstraint(
            "(level = 1) = (parent_code IS NULL)",
            name=op.f("ck_districts_only_provinces_are_roots"),
        ),
        sa.CheckConstraint("level IN (1, 2, 3)", name=op.f("ck_districts_level_known")),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["districts.code"], name=op.f("fk_districts_parent_code_districts")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_districts")),
    )
    op.create_geospatial_index(
        "idx_districts_boundary",
        "districts",
        ["boundary"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_districts_parent_code"), "districts", ["parent_code"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_districts_parent_code"), table_name="districts")
    op.drop_geospatial_index(
        "idx_districts_boundary",
        table_name="districts",
        postgresql_using="gist",
        column_name="boundary",
    )
    op.drop_geospatial_table("districts")
