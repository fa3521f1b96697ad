"""The information square: open posts nearest first or newest first, narrowed by kind,
medicine, group, urgency and area, a page at a time.

Every query shape is served by an index (tests/square/test_query_plans.py holds it to that):
- nearest first: KNN (<->) over ix_posts_open_kind_position_created; one KNN per medicine over
  ix_post_items_open_kind_medicine_band, inside the medicine's band, merged (one
  `medicine IN (...)` scan was 60x slower in performance-lab.md);
- newest first: ix_posts_open_created_at_id, inside an area a KNN on created_at over
  ix_posts_open_kind_position_created, or ix_post_items_open_medicine_created per medicine.
Positions are Web Mercator, so a planar KNN ranks by ground distance (see geo/mercator.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.types import Interval

from app.errors import FieldsInvalid
from app.posts.models import MEDICINE_BAND_METRES, PUBLIC_SRID, Post, PostItem
from app.posts.presenter import Reader
from app.posts.rows import public_columns
from app.posts.service import public_point
from app.sql_cache import ShapeCache
from app.square.areas import AreaFilter, unshifted
from app.square.cursor import Cursor
from app.square.medicines import catalog_entries
from geo.mercator import to_mercator
from geo.points import LonLat

SORTS = ("distance", "time")
UNKNOWN_MEDICINE = "Not in the catalog of medicines that may be shared."
UNKNOWN_GROUP = "Unknown symptom group."
_PAGES = ShapeCache()
# Web Mercator's x runs from -20037508 to 20037508 metres.
_MERCATOR_HALF_WIDTH = 20_037_509
_FAR_FUTURE = literal_column("'9999-12-31 00:00+00'::timestamptz")


@dataclass(frozen=True)
class SquareQuery:
    """What a reader asked the square for, already validated by SquareQuerySchema."""

    sort: str
    reader: Reader
    limit: int
    kind: str | None = None
    medicines: tuple[str, ...] = ()
    group: str | None = None
    urgency: tuple[str, ...] = ()
    area: AreaFilter | None = None
    cursor: Cursor | None = None
    # Matching leaves out the asker's own posts.
    exclude_user_id: int | None = None
    fingerprint: str = field(default="", compare=False)


@dataclass(frozen=True)
class SquarePage:
    """Rows of page_statement, for app.square.output to show to `reader`."""

    rows: list[Row]
    reader: Reader
    next_cursor: str | None
    sort: str


def read_square(query: SquareQuery) -> SquarePage:
    """One page of the square, read in one statement.

    Raises:
        FieldsInvalid: an unknown medicine code or symptom group.
    """
    depth = query.cursor.depth if query.cursor else 0
    limit = min(query.limit, current_app.config["SQUARE_MAX_DEPTH"] - depth)
    medicines = medicine_ids(query)
    rows = _PAGES.rows(
        _shape(query, medicines),
        lambda: page_statement(query, medicines, limit),
        _values(query, medicines, limit),
    )
    if not rows and query.area is not None:
        query.area.confirm_empty()
    next_cursor = None
    if len(rows) == limit and depth + limit < current_app.config["SQUARE_MAX_DEPTH"]:
        last = rows[-1]
        position = last.planar if query.sort == "distance" else last.created_at.isoformat()
        next_cursor = Cursor(query.sort, position, last.post_id, depth + limit).sign(
            query.fingerprint
        )
    return SquarePage(rows, query.reader, next_cursor, query.sort)


def matches_for(post: Post, coordinate_system: str) -> SquarePage:
    """Open posts of the other kind that share a medicine with post, nearest to it first.

    Measured from the post's public point, so matches reveal nothing finer than the square.
    """
    query = SquareQuery(
        sort="distance",
        reader=Reader(public_point(post), coordinate_system),
        limit=current_app.config["SQUARE_DEFAULT_LIMIT"],
        kind="offer" if post.kind == "need" else "need",
        medicines=tuple(sorted({item.medicine.code for item in post.items})),
        exclude_user_id=post.user_id,
    )
    return read_square(query)


def _shape(query: SquareQuery, medicines: list[int] | None) -> tuple | None:
    """What page_statement's SQL depends on besides _values; None for area filters, whose
    geometry is part of the SQL."""
    if query.area is not None:
        return None
    return (
        query.sort,
        None if medicines is None else len(medicines),
        query.reader.point is not None,
        query.kind is not None,
        bool(query.urgency),
        query.cursor is not None,
        query.exclude_user_id is not None,
    )


def _values(query: SquareQuery, medicines: list[int] | None, limit: int) -> dict:
    """The bind parameters square_statement names, for this query."""
    values = {"limit": limit}
    if query.reader.point is not None:
        values["origin_x"], values["origin_y"] = to_mercator(query.reader.point)
    if query.kind is not None:
        values["kind"] = query.kind
    if query.urgency:
        values["urgency"] = list(query.urgency)
    if query.exclude_user_id is not None:
        values["exclude_user_id"] = query.exclude_user_id
    for index, medicine_id in enumerate(medicines or ()):
        values[f"medicine_{index}"] = medicine_id
    if query.cursor is not None:
        values["cursor_post_id"] = query.cursor.post_id
        if query.sort == "distance":
            values["cursor_position"] = query.cursor.position
        else:
            values["cursor_created_at"] = query.cursor.created_at
    return values


def page_statement(query: SquareQuery, medicines: list[int] | None, limit: int) -> Select:
    """square_statement's posts with all the square shows of them (app/posts/rows.py's public
    columns) and their planar distance, in one round trip."""
    page = square_statement(query, medicines, limit).subquery("page")
    if query.sort == "distance":
        order = (page.c.planar, page.c.post_id)
    else:
        order = (Post.created_at.desc(), Post.id.desc())
    return (
        select(*public_columns(), page.c.planar)
        .join(page, page.c.post_id == Post.id)
        .order_by(*order)
    )


def square_statement(query: SquareQuery, medicines: list[int] | None, limit: int) -> Select:
    """The SQL for one page: rows of (post_id, planar distance or None, created_at or None).

    Args:
        medicines: catalog ids from medicine_ids(query); None for any medicine.
    """
    branch = _nearest_branch if query.sort == "distance" else _newest_branch
    # Values are named bind parameters (see _values), so one shape's SQL serves every query.
    limit = bindparam("limit", limit)
    selects = [branch(query, source).limit(limit) for source in _sources(query, medicines)]
    if medicines is None:
        return selects[0]
    order = (
        ("planar", "post_id") if query.sort == "distance" else ("created_at DESC", "post_id DESC")
    )
    return _merged(selects, order, limit)


@dataclass(frozen=True)
class _Source:
    """Where one branch of a page reads: posts, or one medicine's rows of post_items.

    position and origin are in the same frame: Web Mercator for posts, the medicine's band
    (app/posts/models.py, MEDICINE_BAND_METRES) for items.
    """

    post_id: ColumnElement
    created_at: ColumnElement
    position: ColumnElement
    origin: ColumnElement | None
    filters: list[ColumnElement]


def _sources(query: SquareQuery, medicines: list[int] | None) -> list[_Source]:
    origin = _origin(query.reader.point)
    if medicines is None:
        return [
            _Source(Post.id, Post.created_at, Post.public_position, origin, _post_filters(query))
        ]
    sources = []
    for index, medicine_id in enumerate(medicines):
        # Newest first walks ix_post_items_open_medicine_created, which knows no bands.
        into_band = (
            _into_band(bindparam(f"medicine_{index}", medicine_id))
            if query.sort == "distance"
            else None
        )
        sources.append(
            _Source(
                PostItem.post_id,
                PostItem.post_created_at,
                PostItem.public_position if into_band is None else _band_position(),
                origin if into_band is None or origin is None else into_band(origin),
                _item_filters(query, index, medicine_id, into_band),
            )
        )
    return sources


def _origin(point: LonLat | None):
    if point is None:
        return None
    x, y = to_mercator(point)
    return func.ST_SetSRID(
        func.ST_MakePoint(bindparam("origin_x", x), bindparam("origin_y", y)), PUBLIC_SRID
    )


def _band_offset(medicine_id) -> ColumnElement:
    # Written as the index's expression is (MEDICINE_BAND_SQL), so the planner matches the two.
    return medicine_id * literal_column(f"{MEDICINE_BAND_METRES}::float8")


def _band_position() -> ColumnElement:
    """An item's public position in its medicine's band: ix_post_items_open_kind_medicine_band's
    expression."""
    return func.ST_Translate(
        PostItem.public_position, literal_column("0"), _band_offset(PostItem.medicine_id)
    )


def _into_band(medicine_id) -> Callable[[ColumnElement], ColumnElement]:
    """Shifts a Web Mercator geometry into the band of medicine_id (a bind parameter)."""
    return lambda geometry: func.ST_Translate(
        geometry, literal_column("0"), _band_offset(medicine_id)
    )


def _band_of(into_band: Callable[[ColumnElement], ColumnElement]) -> ColumnElement:
    """The whole band as a box: the index condition that keeps a walk inside it, so a medicine
    with few or no open posts ends the walk instead of passing on into the next band."""
    return into_band(
        func.ST_MakeEnvelope(
            -_MERCATOR_HALF_WIDTH, 0, _MERCATOR_HALF_WIDTH, MEDICINE_BAND_METRES, PUBLIC_SRID
        )
    )


def medicine_ids(query: SquareQuery) -> list[int] | None:
    """Catalog ids (of every edition, since posts keep theirs) the filters allow; None: any."""
    if not query.medicines and query.group is None:
        return None
    entries = catalog_entries()
    errors = {}
    if query.medicines:
        known = {code for _, code, _ in entries}
        if any(code not in known for code in query.medicines):
            errors["medicine"] = [UNKNOWN_MEDICINE]
    if query.group is not None and all(group != query.group for _, _, group in entries):
        errors["group"] = [UNKNOWN_GROUP]
    if errors:
        raise FieldsInvalid(errors=errors)
    return [
        medicine_id
        for medicine_id, code, group in entries
        if (not query.medicines or code in query.medicines)
        and (query.group is None or group == query.group)
    ]


def _nearest_branch(query: SquareQuery, source: _Source) -> Select:
    # ORDER BY the distance alone: PostgreSQL walks a GiST index in distance order only when
    # the distance is the whole ORDER BY, so no id tie-breaker here. Public points carry a
    # sub-metre jitter (see public_position_of), so two posts never share a distance and the
    # cursor's (distance, id) position is still exact.
    planar = source.position.distance_centroid(source.origin)
    conditions = list(source.filters)
    if query.cursor is not None:
        position = bindparam("cursor_position", query.cursor.position)
        after = source.post_id > bindparam("cursor_post_id", query.cursor.post_id)
        conditions.append(or_(planar > position, and_(planar == position, after)))
    return (
        select(
            source.post_id.label("post_id"),
            planar.label("planar"),
            literal(None).label("created_at"),
        )
        .where(*conditions)
        .order_by(planar)
    )


def _newest_branch(query: SquareQuery, source: _Source) -> Select:
    conditions = list(source.filters)
    if query.cursor is not None:
        conditions.append(
            tuple_(source.created_at, source.post_id)
            < tuple_(
                bindparam("cursor_created_at", query.cursor.created_at),
                bindparam("cursor_post_id", query.cursor.post_id),
            )
        )
    planar = (
        source.position.distance_centroid(source.origin)
        if source.origin is not None
        else literal(None)
    )
    return (
        select(
            source.post_id.label("post_id"),
            planar.label("planar"),
            source.created_at.label("created_at"),
        )
        .where(*conditions)
        .order_by(*_newest_order(query, source))
    )


def _newest_order(query: SquareQuery, source: _Source) -> tuple:
    if query.area is None or source.created_at is not Post.created_at:
        return (source.created_at.desc(), source.post_id.desc())
    # Inside an area, the time from a far future: a KNN over ix_posts_open_kind_position_created
    # that walks the area's pages only, newest first. A KNN orders by its distance alone, so
    # two posts of one microsecond (separate transactions' now() never are) could swap at a
    # page's edge; page_statement orders the page by (created_at, id) as the cursor reads it.
    return (source.created_at.op("<->", return_type=Interval)(_FAR_FUTURE),)


def _merged(branches: list[Select], order: tuple[str, ...], limit: int) -> Select:
    """The first `limit` distinct posts of several ordered branches (one per medicine).

    Each branch is limited on its own, so each walks its own index only as far as needed; a post
    with two of the medicines appears in two branches with the same sort key.
    """
    merged = union_all(*branches).subquery()
    columns = [merged.c.post_id, merged.c.planar, merged.c.created_at]
    ordering = {
        "planar": merged.c.planar,
        "post_id": merged.c.post_id,
        "created_at DESC": merged.c.created_at.desc(),
        "post_id DESC": merged.c.post_id.desc(),
    }
    return select(*columns).distinct().order_by(*(ordering[key] for key in order)).limit(limit)


def _post_filters(query: SquareQuery) -> list[ColumnElement]:
    filters = [Post.status == "open", Post.expires_at > func.now()]
    if query.kind is not None:
        filters.append(Post.kind == _kind(query))
    if query.urgency:
        filters.append(_urgency(query))
    if query.area is not None:
        filters.extend(query.area.conditions(Post.public_position, Post.area_code))
    if query.exclude_user_id is not None:
        filters.append(Post.user_id != _excluded_user(query))
    return filters


def _kind(query: SquareQuery):
    return bindparam("kind", query.kind)


def _urgency(query: SquareQuery) -> ColumnElement:
    return Post.urgency.overlap(bindparam("urgency", list(query.urgency), type_=Post.urgency.type))


def _excluded_user(query: SquareQuery):
    return bindparam("exclude_user_id", query.exclude_user_id)


def _item_filters(
    query: SquareQuery,
    index: int,
    medicine_id: int,
    into_band: Callable[[ColumnElement], ColumnElement] | None,
) -> list[ColumnElement]:
    filters = [
        PostItem.medicine_id == bindparam(f"medicine_{index}", medicine_id),
        PostItem.post_status == "open",
        PostItem.post_expires_at > func.now(),
    ]
    if into_band is None:
        position, into_band = PostItem.public_position, unshifted
    else:
        position = _band_position()
        filters.append(position.op("&&")(_band_of(into_band)))
    if query.kind is not None:
        filters.append(PostItem.kind == _kind(query))
    if query.area is not None and not query.area.needs_post_row:
        filters.extend(query.area.conditions(position, None, into_band))
    needs_post_row = query.area is not None and query.area.needs_post_row
    if query.urgency or needs_post_row or query.exclude_user_id is not None:
        # What only the post row knows: checked through its primary key, row by row, as the
        # item index hands candidates over in order.
        post_conditions = [Post.id == PostItem.post_id]
        if query.exclude_user_id is not None:
            post_conditions.append(Post.user_id != _excluded_user(query))
        if query.urgency:
            post_conditions.append(_urgency(query))
        if needs_post_row:
            post_conditions.extend(query.area.conditions(position, Post.area_code, into_band))
        filters.append(select(Post.id).where(*post_conditions).exists())
    return filters
