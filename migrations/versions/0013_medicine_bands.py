"""The square's index for one medicine keeps each medicine's points in a band of their own.

The btree_gist GiST on (medicine_id, kind, public_position) mixed medicines in its pages, so a
nearest-first search for a medicine nobody offers walked the whole index (40 ms at 1M posts).
The new GiST indexes each point shifted by its medicine (app/posts/models.py,
MEDICINE_BAND_METRES), and the square holds each search inside its medicine's band.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# As app/posts/models.py has it when this migration was written; a migration never imports the
# models, which move on.
BAND_SQL = "ST_Translate(public_position, 0, medicine_id * 10000000::float8)"
OPEN = sa.text("post_status = 'open'")


def upgrade():
    op.drop_index("ix_post_items_open_medicine_kind_position", table_name="post_items")
    op.create_index(
        "ix_post_items_open_kind_medicine_band",
        "post_items",
        ["kind", sa.text(BAND_SQL)],
        postgresql_using="gist",
        postgresql_where=OPEN,
    )


def downgrade():
    op.drop_index("ix_post_items_open_kind_medicine_band", table_name="post_items")
    op.create_index(
        "ix_post_items_open_medicine_kind_position",
        "post_items",
        ["medicine_id", "kind", "public_position"],
        postgresql_using="gist",
        postgresql_where=OPEN,
    )
