"""A post as one reader sees it, from its row: the public parts for everyone, all of it for its
owner. Pure: no SQL, no request; the caller hands in the row (app/posts/rows.py's columns),
who reads and in which language.

The square, matches and a post's page for anyone but its owner all show `public_post`; the
owner's view is `owner_post`, which adds what only they may see. Every public field is read as
stored when the post was written (the masked note, the grid point, the area name), so showing a
post is formatting only. PublicPostSchema and PostSchema document what these write.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from flask import Response

from app.i18n import locale_page_text
from geo.coordinates import WGS84, from_wgs84
from geo.mercator import from_mercator
from geo.points import LonLat, great_circle_metres
from geo.privacy import PublicDistance, public_distance

# The items' JSON, as rows.py builds it: code, name_zh, name_en, quantity, unit,
# pack_expires_on, sealed.
NAME_INDEX = {"zh": 1, "en": 2}


@dataclass(frozen=True)
class Reader:
    """Who reads and from where: `point` (WGS 84) is where distances are measured from."""

    point: LonLat | None = None
    coordinate_system: str = WGS84


@dataclass(frozen=True)
class Language:
    """What the page's words depend on: the locale and the catalog's unit labels in it."""

    locale: str
    unit_labels: dict[str, str]


def language(locale: str, units: dict) -> Language:
    """The Language of a locale, from rules.yaml's units table ({code: {zh, en}})."""
    return Language(locale, {code: labels[locale] for code, labels in units.items()})


def public_post(row, reader: Reader, words: Language) -> dict:
    """What anyone may see of a post: no phone number, no exact place."""
    point = from_mercator(row.x, row.y)
    name_index = NAME_INDEX[words.locale]
    post = {
        "id": row.post_id,
        "kind": row.kind,
        "status": shown_status(row.status, row.expires_at),
        "items": [_item(item, words.unit_labels, name_index) for item in row.items],
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
        post["distance"] = shown_distance(reader.point, point, words.locale)
    return post


def owner_post(
    row, reader: Reader, words: Language, *, contact_phone: str | None, moderation: dict
) -> dict:
    """The owner's view of their post: the public view, their own words and everything they gave.

    Args:
        contact_phone: the number, decrypted (None once erased).
        moderation: what app.posts.moderation_hook's outcome says of the post.
    """
    return {
        **public_post(row, reader, words),
        "note": row.note,
        "is_own": True,
        "location": shown_point(
            LonLat(row.location_lng, row.location_lat), reader.coordinate_system
        ),
        "contact_phone": contact_phone,
        "address_hint": row.address_hint,
        "catalog_edition": row.catalog_edition,
        "renewed_at": row.renewed_at,
        "updated_at": row.updated_at,
        "moderation": moderation,
    }


def others_post(row, reader: Reader, words: Language) -> dict:
    """A post by its link, as anyone but its owner sees it."""
    return {**public_post(row, reader, words), "is_own": False}


def _item(item: list, unit_labels: dict[str, str], name_index: int) -> dict:
    code, _, _, quantity, unit, pack_expires_on, sealed = item
    return {
        "medicine": {"code": code, "name": item[name_index]},
        "quantity": quantity,
        "unit": unit,
        "unit_label": unit_labels[unit],
        "pack_expires_on": pack_expires_on,
        "sealed": sealed,
    }


def shown_status(status: str, expires_at: datetime) -> str:
    """The status a reader sees: an open post past its time is expired, whether or not the
    sweep has marked it yet."""
    if status == "open" and expires_at <= datetime.now(UTC):
        return "expired"
    return status


def shown_point(point: LonLat, coordinate_system: str) -> dict:
    """A WGS 84 point as answers give it, in the reader's coordinate system."""
    shown = from_wgs84(point, coordinate_system)
    return {
        "lat": round(shown.lat, 6),
        "lng": round(shown.lon, 6),
        "coordinate_system": coordinate_system,
    }


def shown_distance(reader_point: LonLat, post_point: LonLat, locale: str) -> dict:
    """How far a post's public point is from the reader, rounded as geo.privacy says.

    Measured over the globe: the square ranks by planar Mercator distance, which agrees with it
    to 0.5% within 50 km but grows off beyond a few hundred (2,857 km shown for Chengdu to
    Harbin's 2,582).
    """
    shown = public_distance(great_circle_metres(reader_point, post_point))
    return {"metres": shown.metres, "nearby": shown.nearby, "text": distance_text(shown, locale)}


def distance_text(shown: PublicDistance, locale: str) -> str:
    return _distance_text(shown.nearby, shown.metres, locale)


# Shown distances are rounded (geo.privacy), so a page repeats a few hundred texts at most; the
# square formats twenty a request. Bounded all the same.
@functools.lru_cache(maxsize=4096)
def _distance_text(nearby: bool, metres: int, locale: str) -> str:
    if nearby:
        return locale_page_text("distance.nearby", locale)
    if metres < 1000:
        return locale_page_text("distance.metres", locale, metres=metres)
    # Tenths of a kilometre help nearby; beyond 10 km they are noise ("1009.7 公里").
    kilometres = metres / 1000
    return locale_page_text(
        "distance.kilometres",
        locale,
        kilometres=f"{kilometres:.1f}" if kilometres < 10 else f"{kilometres:.0f}",
    )


def json_response(document, status: int = 200, headers: dict | None = None) -> Response:
    """The one writer of posts' answers. orjson writes datetimes as isoformat() does, which is
    what the documenting schemas' DateTime gives."""
    return Response(orjson.dumps(document), status, headers, mimetype="application/json")
