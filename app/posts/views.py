"""A post as one reader sees it: the public parts for everyone, all of it for its owner."""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from geoalchemy2 import WKTElement
from geoalchemy2.shape import to_shape

from app.i18n import locale_page_text, negotiate_locale
from app.moderation.outcome import Outcome, outcome_of
from app.posts.contact import decrypt_phone
from app.posts.models import Post
from geo.coordinates import WGS84, from_wgs84
from geo.mercator import from_mercator
from geo.points import LonLat, great_circle_metres
from geo.privacy import PublicDistance, public_distance


@dataclass(frozen=True)
class Reader:
    """Who reads and from where: `point` (WGS 84) is where distances are measured from."""

    point: LonLat | None = None
    coordinate_system: str = WGS84


def public_point(post: Post) -> LonLat:
    shape = _shape(post.public_position)
    return from_mercator(shape.x, shape.y)


def _shape(geometry):
    # A post made in this session still holds the EWKT it was given, not the database's WKB.
    if isinstance(geometry, str):
        geometry = WKTElement(geometry, extended=True)
    return to_shape(geometry)


# What PostSchema shows the owner only; for anyone else these attributes do not exist, so
# marshmallow leaves them out of the answer.
OWNER_ONLY = frozenset(
    {
        "location",
        "contact_phone",
        "address_hint",
        "catalog_edition",
        "renewed_at",
        "updated_at",
        "moderation",
    }
)


class PostView:
    """Attributes for PublicPostSchema and PostSchema; anything else comes from the post."""

    def __init__(
        self,
        post: Post,
        reader: Reader,
        *,
        is_own: bool = False,
    ):
        self._post = post
        self._reader = reader
        self.is_own = is_own

    def __getattr__(self, name):
        if name in OWNER_ONLY and not self.is_own:
            raise AttributeError(name)
        return getattr(self._post, name)

    @property
    def status(self) -> str:
        return shown_status(self._post.status, self._post.expires_at)

    @property
    def note(self) -> str:
        return self._post.note if self.is_own else self._post.public_note

    @property
    def moderation(self) -> Outcome:
        post = self._owner_only(self._post)
        return outcome_of(post, post.public_note)

    @property
    def catalog_edition(self) -> str:
        return self._owner_only(self._post.catalog_edition.code)

    @property
    def approximate_location(self) -> dict:
        return shown_point(public_point(self._post), self._reader.coordinate_system)

    @property
    def location(self) -> dict:
        shape = _shape(self._owner_only(self._post.location))
        return shown_point(LonLat(shape.x, shape.y), self._reader.coordinate_system)

    @property
    def contact_phone(self) -> str | None:
        encrypted = self._owner_only(self._post.contact_phone_encrypted)
        return None if encrypted is None else decrypt_phone(encrypted)

    def _owner_only(self, value):
        if not self.is_own:
            raise AttributeError("shown to the owner only")
        return value

    @property
    def distance(self) -> dict:
        if self._reader.point is None:
            raise AttributeError("no point to measure from")
        return shown_distance(self._reader.point, public_point(self._post))


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


def shown_distance(reader_point: LonLat, post_point: LonLat, locale: str | None = None) -> dict:
    """How far a post's public point is from the reader, rounded as geo.privacy says.

    Measured over the globe: the square ranks by planar Mercator distance, which agrees with it
    to 0.5% within 50 km but grows off beyond a few hundred (2,857 km shown for Chengdu to
    Harbin's 2,582).

    Args:
        locale: the request's, when the caller negotiated it already (the square, once a page).
    """
    shown = public_distance(great_circle_metres(reader_point, post_point))
    text = distance_text(shown, locale or negotiate_locale())
    return {"metres": shown.metres, "nearby": shown.nearby, "text": text}


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
