"""The square's answers written straight from page_statement's rows to JSON.

The square is the hot path: building PostViews for marshmallow's PublicPostSchema and dumping
them cost more than the query itself (measured in the commit that made this module). These
functions give exactly what PublicPostSchema documents, through the same helpers PostView uses;
tests/square/test_output.py holds them equal to that schema's dump and to the OpenAPI document.
"""

import orjson
from flask import Response, current_app
from sqlalchemy import Row

from app.catalog.service import catalog_rules
from app.i18n import negotiate_locale
from app.posts.views import Reader, shown_distance, shown_point, shown_status
from app.square.service import SquarePage
from geo.mercator import from_mercator


def page_response(page: SquarePage) -> Response:
    """A page of the square as SquarePageSchema documents it."""
    document = {
        "posts": public_posts(page.rows, page.reader),
        "next_cursor": page.next_cursor,
        "sort": page.sort,
    }
    return _json(document)


def posts_response(page: SquarePage) -> Response:
    """Only the posts of a page, as a list of PublicPostSchema."""
    return _json(public_posts(page.rows, page.reader))


def public_posts(rows: list[Row], reader: Reader) -> list[dict]:
    """What anyone may see of each row: no phone number, no exact place."""
    locale = negotiate_locale()
    units = {code: labels[locale] for code, labels in catalog_rules()["units"].items()}
    name_index = 1 if locale == "zh" else 2
    return [_public_post(row, reader, units, name_index, locale) for row in rows]


def _public_post(
    row: Row, reader: Reader, units: dict[str, str], name_index: int, locale: str
) -> dict:
    point = from_mercator(row.x, row.y)
    post = {
        "id": row.post_id,
        "kind": row.kind,
        "status": shown_status(row.status, row.expires_at),
        "items": [_item(item, units, name_index) for item in row.items],
        "note": row.public_note,
        "urgency": row.urgency,
        "area_code": row.area_code,
        "area_name": row.area_name,
        "approximate_location": shown_point(point, reader.coordinate_system),
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "resolved_at": row.resolved_at,
    }
    if reader.point is not None:
        post["distance"] = shown_distance(reader.point, point, locale)
    return post


def _item(item: list, units: dict[str, str], name_index: int) -> dict:
    # page_statement's order: code, name_zh, name_en, quantity, unit, pack_expires_on, sealed.
    code, _, _, quantity, unit, pack_expires_on, sealed = item
    return {
        "medicine": {"code": code, "name": item[name_index]},
        "quantity": quantity,
        "unit": unit,
        "unit_label": units[unit],
        "pack_expires_on": pack_expires_on,
        "sealed": sealed,
    }


def _json(document) -> Response:
    # orjson writes datetimes as isoformat() does, which is what marshmallow's DateTime gives.
    return current_app.response_class(orjson.dumps(document), mimetype="application/json")
