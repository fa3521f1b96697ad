"""The columns app/posts/presenter.py shows a post from, read in the statement that finds it.

PUBLIC_COLUMNS are what the square, matches and a post's page show anyone; OWNER_COLUMNS add
what its owner sees, moderation's outcome included (a column moderation supplies through
app.posts.moderation_hook). The items come as one JSON array of arrays, in the poster's order.
"""

from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, case, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.catalog.models import CatalogEdition, Medicine
from app.posts.models import Post, PostItem
from app.posts.moderation_hook import moderation
from app.sql_cache import ShapeCache

# A post's page is its request's only statement for a signed-out reader: compiled once for
# each kind of reader, and run outside a transaction when none is open.
_POST_ROWS = ShapeCache()


def _items() -> ColumnElement:
    item = func.json_build_array(
        Medicine.code,
        Medicine.name_zh,
        Medicine.name_en,
        PostItem.quantity,
        PostItem.unit,
        PostItem.pack_expires_on,
        PostItem.sealed,
    )
    return (
        select(func.json_agg(aggregate_order_by(item, PostItem.position)))
        .join(Medicine, Medicine.id == PostItem.medicine_id)
        .where(PostItem.post_id == Post.id)
        .scalar_subquery()
        .label("items")
    )


def public_columns() -> list[ColumnElement]:
    """What presenter.public_post reads, post_id first."""
    return [
        Post.id.label("post_id"),
        Post.created_at,
        Post.kind,
        Post.status,
        Post.public_note,
        Post.urgency,
        Post.area_code,
        Post.area_name,
        func.ST_X(Post.public_position).label("x"),
        func.ST_Y(Post.public_position).label("y"),
        Post.expires_at,
        Post.resolved_at,
        _items(),
    ]


def owner_columns(reader_id) -> list[ColumnElement]:
    """What presenter.owner_post adds. Moderation's outcome is worked out only for the owner's
    row (reader_id: the signed-in reader's id, or a column of it)."""
    return [
        Post.user_id,
        Post.note,
        func.ST_X(Post.location).label("location_lng"),
        func.ST_Y(Post.location).label("location_lat"),
        Post.contact_phone_encrypted,
        Post.address_hint,
        select(CatalogEdition.code)
        .where(CatalogEdition.id == Post.catalog_edition_id)
        .scalar_subquery()
        .label("catalog_edition"),
        Post.renewed_at,
        Post.updated_at,
        case((Post.user_id == reader_id, moderation().outcome_column(Post.id))).label("moderation"),
    ]


def post_row(post_id: int, reader_id: int | None):
    """A post's row for its page: public columns, and the owner's when someone signed in.

    Returns None when there is no such post.
    """
    values = {"post_id": post_id}
    if reader_id is not None:
        values["reader_id"] = reader_id
    rows = _POST_ROWS.rows(reader_id is not None, lambda: _post_row(reader_id is not None), values)
    return rows[0] if rows else None


def _post_row(signed_in: bool) -> Select:
    columns = public_columns()
    if signed_in:
        columns += owner_columns(bindparam("reader_id", type_=BigInteger))
    return select(*columns).where(Post.id == bindparam("post_id", type_=BigInteger))


def owner_rows(user_id: int) -> Select:
    """The owner's rows of their posts (callers add conditions and order)."""
    return select(*public_columns(), *owner_columns(user_id)).where(Post.user_id == user_id)
