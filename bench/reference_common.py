"""What both reference servers share: the square's nearest-first query as bare SQL, and the page
built from its rows with the same JSON fields as GET /api/v1/posts.

Bare on purpose (issues 7 and 16): no ORM, no marshmallow, no app factory; the SQL does what our
service does for an unfiltered nearest-first page (KNN over the partial GiST index, 20 rows),
with the items and medicine names joined in the same statement, and reads the same stored
public fields ours does: the masked note (public_note), the grid point (public_position, turned
into WGS 84 in Python as ours does) and the area name. What the references do not do: parse the
query with a schema (they read lat and lng only), sign a cursor (theirs is the last id), speak
English (Chinese only), check a token, or write the request log.
"""

import os

import orjson
import yaml

from geo.mercator import from_mercator, to_mercator
from geo.points import LonLat, great_circle_metres
from geo.privacy import public_distance

LIMIT = 20
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
with open(os.path.join(ROOT, "app", "catalog", "data", "rules.yaml"), encoding="utf-8") as handle:
    UNIT_LABELS = {unit: names["zh"] for unit, names in yaml.safe_load(handle)["units"].items()}

# {x} and {y}: the driver's placeholders for the asker's Web Mercator point.
SQUARE_SQL = """
SELECT p.id, p.kind, p.status, p.public_note, p.urgency, p.area_code, p.area_name,
       ST_X(p.public_position), ST_Y(p.public_position),
       p.created_at, p.expires_at, p.resolved_at, items.json
  FROM (SELECT * FROM posts
         WHERE status = 'open' AND expires_at > now()
         ORDER BY public_position <-> ST_SetSRID(ST_MakePoint({x}, {y}), 3857)
         LIMIT 20) AS p
 CROSS JOIN LATERAL (
       SELECT json_agg(json_build_object(
                'medicine', json_build_object('code', m.code, 'name', m.name_zh),
                'quantity', i.quantity, 'unit', i.unit, 'pack_expires_on', i.pack_expires_on,
                'sealed', i.sealed) ORDER BY i.position)::text AS json
         FROM post_items i JOIN medicines m ON m.id = i.medicine_id
        WHERE i.post_id = p.id) AS items
 ORDER BY p.public_position <-> ST_SetSRID(ST_MakePoint({x}, {y}), 3857)
"""


def database_url() -> str:
    """DATABASE_URL as the app reads it, in the form libpq and asyncpg take."""
    url = os.environ["DATABASE_URL"]
    return "postgresql://" + url.split("://", 1)[1]


def origin(lat: float, lng: float) -> tuple[float, float]:
    return to_mercator(LonLat(lng, lat))


def page_json(rows, lat: float, lng: float) -> bytes:
    """The square's page for these rows, measured from (lat, lng), as JSON bytes."""
    reader = LonLat(lng, lat)
    posts = []
    for row in rows:
        (
            post_id,
            kind,
            status,
            note,
            urgency,
            area_code,
            area_name,
            x,
            y,
            created,
            expires,
            resolved,
            items_json,
        ) = row
        items = orjson.loads(items_json)
        for item in items:
            item["unit_label"] = UNIT_LABELS.get(item["unit"])
        point = from_mercator(x, y)
        shown = public_distance(great_circle_metres(reader, point))
        posts.append(
            {
                "id": post_id,
                "kind": kind,
                "status": status,
                "items": items,
                "note": note,
                "urgency": urgency,
                "area_code": area_code,
                "area_name": area_name,
                "approximate_location": {
                    "lat": round(point.lat, 6),
                    "lng": round(point.lon, 6),
                    "coordinate_system": "wgs84",
                },
                "distance": {
                    "metres": shown.metres,
                    "nearby": shown.nearby,
                    "text": _distance_text(shown),
                },
                "created_at": created,
                "expires_at": expires,
                "resolved_at": resolved,
            }
        )
    next_cursor = f"{posts[-1]['id']}" if len(posts) == LIMIT else None
    return orjson.dumps({"posts": posts, "next_cursor": next_cursor, "sort": "distance"})


def _distance_text(shown) -> str:
    if shown.nearby:
        return "< 500 米"
    if shown.metres < 1000:
        return f"{shown.metres} 米"
    kilometres = shown.metres / 1000
    return f"{kilometres:.1f} 公里" if kilometres < 10 else f"{kilometres:.0f} 公里"
