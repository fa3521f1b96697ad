"""Rows of bench users, posts and items, planned a chunk at a time as COPY text.

The shape is the demo data's (app/demo/data.yaml: kinds, items, medicines, units, urgency, notes,
hints) over a week, with cities weighted as in geo/data/cities.yaml. Every value a post shares
with the app is made by the app's own code: public_position_of for the public point,
encrypt_phone and mask_mobile for the contact, id_number_digest and mask_name for the user,
lifetime for expiry. Only what needs no app logic (drawing spots, choosing kinds) is vectorised.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import shapely
from flask import current_app

from app.auth.identity import check_character, id_number_digest
from app.auth.lookup import mask_mobile
from app.catalog.service import current_medicines
from app.demo.seed import demo_shape
from app.me.names import mask_name
from app.me.service import policies
from app.posts.contact import _fernet
from app.posts.service import lifetime, public_position_of
from bench.copytext import NULL, copy_line, text_field
from geo.cities import cities
from geo.districts import SLACK_DEGREES, all_districts, mainland_outline
from geo.points import EARTH_RADIUS_M, LonLat

# Times over the week before the load, most of them recent (the wave grew day by day).
PERIOD = timedelta(days=7)
# Open posts keep at least this long after loading, as in the demo data, so that none leaves the
# square during a bench run.
MIN_TIME_LEFT = timedelta(hours=6)
OPEN_SHARE = 0.8
RESOLVED_SHARE = 0.12  # the rest of the closed posts ran out of time
NEED_SHARE = 0.6
# 154 has never been given to an operator: no bench number can ring a real person.
PHONE_PREFIX = "154"
PROVIDER = "bench"
SPOT_TRIES = 20


@dataclass(frozen=True)
class _Medicine:
    id: int
    code: str
    name_zh: str
    edition_id: int
    unit_caps: dict


@dataclass
class Chunk:
    """COPY text for one chunk, and the posts whose county must be found by the database."""

    users: list[str]
    verifications: list[str]
    consents: list[str]
    posts: list[str]
    items: list[str]
    post_count: int
    unplaced_post_ids: list[int]


class Planner:
    """Plans chunks of users with their posts. Chunks are independent (own seed, own id
    ranges), so several processes can plan them at once."""

    def __init__(self, now: datetime):
        self.now = now
        self.shape = demo_shape()
        weights = self.shape["medicine_weights"]
        # Plain copies of the catalog rows: ORM attribute access costs more than the draw.
        self.medicines = [
            _Medicine(m.id, m.code, m.name_zh, m.edition_id, dict(m.unit_caps))
            for m in current_medicines()
            if weights.get(m.code, 0) > 0
        ]
        self.medicine_weights = list(itertools.accumulate(weights[m.code] for m in self.medicines))
        counts = self.shape["items_per_post_weights"]
        self.item_counts = [int(count) for count in counts]
        self.item_count_weights = list(itertools.accumulate(counts.values()))
        unit_weights = self.shape["unit_weights"]
        self.units = {
            m.id: (
                list(m.unit_caps),
                list(itertools.accumulate(unit_weights[u] for u in m.unit_caps)),
            )
            for m in self.medicines
        }
        self.cities = cities()
        self.city_p = _normalised([city.weight for city in self.cities])
        self.consents = [(purpose, policy["current"]) for purpose, policy in policies().items()]
        self.lifetimes = {kind: lifetime(kind) for kind in ("need", "offer")}
        self.today = self.now.date()
        districts = all_districts()
        self._boundaries = np.array([d.boundary for d in districts])
        self._levels = np.array([d.level for d in districts])
        self._codes = [d.code for d in districts]
        shapely.prepare(self._boundaries)
        self._district_tree = shapely.STRtree(self._boundaries)

    def chunk(self, seed: int, first_id: int, posts: int) -> Chunk:
        """Users whose posts add up to `posts`, each user's posts all from their home.

        Post ids and user ids both start at first_id (a chunk has no more users than posts).
        """
        # numpy for the spots, drawn a chunk at a time; random for per-row draws, where
        # numpy's per-call overhead is ten times the draw.
        self.np_rng = np.random.default_rng([seed, first_id])
        self.rng = random.Random(seed * 1_000_003 + first_id)
        self.next_user_id = self.next_post_id = first_id
        self._fernet = _fernet()
        sizes_weights = self.shape["posts_per_user_weights"]
        sizes = self.np_rng.choice(
            [int(size) for size in sizes_weights], size=posts, p=_normalised(sizes_weights.values())
        )
        ends = np.cumsum(sizes)
        count = int(np.searchsorted(ends, posts)) + 1
        sizes = sizes[:count]
        sizes[-1] -= int(ends[count - 1]) - posts
        city_index = self.np_rng.choice(len(self.cities), size=count, p=self.city_p)
        lon, lat = self._homes(city_index)
        codes, unsure = self._area_codes(lon, lat)
        chunk = Chunk([], [], [], [], [], posts, [])
        for user in range(count):
            home = LonLat(float(lon[user]), float(lat[user]))
            size = int(sizes[user])
            if unsure[user]:
                chunk.unplaced_post_ids.extend(range(self.next_post_id, self.next_post_id + size))
            self._add_user(chunk, self.cities[city_index[user]], size, home, codes[user])
        return chunk

    def _homes(self, city_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Spots around each user's city seat, redrawn where they fall outside the mainland
        (as create_post would refuse them); the seat after SPOT_TRIES misses, as in the demo."""
        centre_lon = np.array([city.center.lon for city in self.cities])[city_index]
        centre_lat = np.array([city.center.lat for city in self.cities])[city_index]
        spread = np.array([city.spread_km * 1000 for city in self.cities])[city_index]
        lon, lat = centre_lon.copy(), centre_lat.copy()
        todo = np.ones(len(city_index), dtype=bool)
        for _try in range(SPOT_TRIES):
            east = self.np_rng.normal(0, spread)
            north = self.np_rng.normal(0, spread)
            # LonLat.offset, vectorised.
            new_lat = centre_lat + np.degrees(north / EARTH_RADIUS_M)
            new_lon = centre_lon + np.degrees(
                east / (EARTH_RADIUS_M * np.cos(np.radians(centre_lat)))
            )
            ok = todo & shapely.intersects_xy(mainland_outline(), new_lon, new_lat)
            lon[ok], lat[ok] = new_lon[ok], new_lat[ok]
            todo &= ~ok
            if not todo.any():
                break
        return lon, lat

    def _area_codes(self, lon: np.ndarray, lat: np.ndarray) -> tuple[list, np.ndarray]:
        """Each spot's area_code as district_code_at finds it: of the divisions within
        SLACK_DEGREES, the nearest, the finest first among equals (distances in degrees, as
        PostGIS measures these geometries). Spots whose first two candidates tie on both
        (overlapping boundaries), where the database's order decides, are left to it (unsure).
        """
        points = shapely.points(lon, lat)
        # Inside a boundary is distance 0, nearer than any other: only the few spots inside
        # none (coast, islands) need distances to the divisions around them.
        point_index, district_index = self._inside(lon, lat, points)
        distance = np.zeros(len(point_index))
        outside = np.setdiff1d(np.arange(len(points)), point_index)
        if len(outside):
            near_index, near_district = self._district_tree.query(
                points[outside], predicate="dwithin", distance=SLACK_DEGREES
            )
            near_index = outside[near_index]
            point_index = np.concatenate([point_index, near_index])
            district_index = np.concatenate([district_index, near_district])
            distance = np.concatenate(
                [distance, shapely.distance(points[near_index], self._boundaries[near_district])]
            )
        level = self._levels[district_index]
        order = np.lexsort((-level, distance, point_index))
        point_index, district_index = point_index[order], district_index[order]
        distance, level = distance[order], level[order]
        first = np.ones(len(point_index), dtype=bool)
        first[1:] = point_index[1:] != point_index[:-1]
        tied = np.zeros(len(point_index), dtype=bool)
        tied[:-1] = ~first[1:] & (distance[1:] == distance[:-1]) & (level[1:] == level[:-1])
        codes = [None] * len(lon)
        unsure = np.zeros(len(lon), dtype=bool)
        for p, d, tie in zip(
            point_index[first].tolist(),
            district_index[first].tolist(),
            tied[first].tolist(),
            strict=True,
        ):
            codes[p] = self._codes[d]
            unsure[p] = tie
        return codes, unsure

    def _inside(self, lon, lat, points) -> tuple[np.ndarray, np.ndarray]:
        """(point, district) pairs where the point lies in the district: candidates by the
        tree's boxes, then one vectorised test per district against its prepared boundary
        (the tree's own predicate tests each pair unprepared, several times slower)."""
        point_index, district_index = self._district_tree.query(points)
        order = np.argsort(district_index, kind="stable")
        point_index, district_index = point_index[order], district_index[order]
        inside = np.zeros(len(point_index), dtype=bool)
        starts = np.flatnonzero(np.r_[True, district_index[1:] != district_index[:-1]])
        for start, end in zip(starts, np.r_[starts[1:], len(point_index)], strict=True):
            chosen = point_index[start:end]
            inside[start:end] = shapely.intersects_xy(
                self._boundaries[district_index[start]], lon[chosen], lat[chosen]
            )
        return point_index[inside], district_index[inside]

    def _add_user(self, chunk: Chunk, city, size: int, home: LonLat, area_code) -> None:
        user_id = self.next_user_id
        self.next_user_id += 1
        phone = f"{PHONE_PREFIX}{user_id:08d}"
        # One encryption per user, reused by their posts: Fernet is the costliest step here.
        # encrypt_phone, with the key's Fernet built once per chunk instead of per number.
        token = self._fernet.encrypt(phone.encode())
        contact = f"\\\\x{token.hex()}\t{mask_mobile(phone)}"
        first_created = None
        for _post in range(size):
            created = self._post(chunk, user_id, (home, area_code), contact)
            first_created = created if first_created is None else min(first_created, created)
        # As text once: the user, their verification and each consent carry it.
        joined = (first_created - timedelta(minutes=self.rng.uniform(10, 180))).isoformat()
        chunk.users.append(
            copy_line((user_id, self._display_name(), self._id_number_hmac(city, user_id), joined))
        )
        # By hand, as below: ids, fixed words and ISO times need no escaping.
        chunk.verifications.append(f"{user_id}\tidentity\t{PROVIDER}\t{joined}\n")
        chunk.consents.extend(
            f"{user_id}\t{purpose}\t{version}\t{joined}\n" for purpose, version in self.consents
        )

    def _display_name(self) -> str:
        shape = self.shape
        given = self.rng.choices(
            shape["given_name_characters"], k=self.rng.choice(shape["given_name_lengths"])
        )
        return mask_name(self.rng.choice(shape["family_names"]) + "".join(given))

    def _id_number_hmac(self, city, user_id: int) -> bytes:
        # Unique by construction (users.id_number_hmac is unique): the user id picks the
        # birthday and sequence number, 1,000 people a day over 55 years.
        born = date(1950, 1, 1) + timedelta(days=(user_id // 1000) % (365 * 55))
        first_17 = f"{city.area_code}{born:%Y%m%d}{user_id % 1000:03d}"
        return id_number_digest(
            first_17 + check_character(first_17), current_app.config["ID_NUMBER_HMAC_KEY"]
        )

    def _post(self, chunk: Chunk, user_id: int, place: tuple, contact) -> datetime:
        rng, shape = self.rng, self.shape
        home, area_code = place
        post_id = self.next_post_id
        self.next_post_id += 1
        kind = "need" if rng.random() < NEED_SHARE else "offer"
        draw = rng.random()
        status = "open" if draw < OPEN_SHARE else "resolved"
        if draw >= OPEN_SHARE + RESOLVED_SHARE:
            status = "expired"
        times = {
            key: value and value.isoformat() for key, value in self._times(kind, status).items()
        }
        items = self._items(kind)
        urgency = self._urgency() if kind == "need" else []
        hint = None
        if rng.random() < shape["address_hint_share"]:
            hint = rng.choice(shape["address_hints"])
        public_position = public_position_of(home)
        # By hand rather than copy_line, the fields in POST_COLUMNS' order: only the note and
        # the hint are free text to escape.
        fields = (
            str(post_id),
            str(user_id),
            kind,
            status,
            str(items[0][0].edition_id),
            home.to_ewkt(),
            public_position,
            area_code or NULL,  # NULL: left to the database (see _area_codes)
            text_field(self._note(kind, urgency, items)),
            NULL if hint is None else text_field(hint),
            "{" + ",".join(sorted(set(urgency))) + "}",  # as create_post stores it
            contact,
            *(value or NULL for value in times.values()),
        )
        chunk.posts.append("\t".join(fields) + "\n")
        # Items by hand rather than copy_line: they are the most rows, and these fields need
        # no escaping (codes, numbers, ISO times, EWKT).
        post_fields = f"{kind}\t{status}\t{times['created_at']}\t{times['expires_at']}"
        for position, (medicine, quantity, unit, expires_on, sealed) in enumerate(items):
            offer = (
                f"{expires_on.isoformat()}\t{'t' if sealed else 'f'}" if expires_on else "\\N\t\\N"
            )
            chunk.items.append(
                f"{post_id}\t{medicine.id}\t{position}\t{quantity}\t{unit}\t{offer}"
                f"\t{post_fields}\t{public_position}\n"
            )
        return datetime.fromisoformat(times["created_at"])

    def _times(self, kind: str, status: str) -> dict:
        """The demo data's timeline (app/demo/seed.py), over PERIOD."""
        rng, now, life = self.rng, self.now, self.lifetimes[kind]
        renewed = resolved = None
        if status == "expired":
            created = now - life - timedelta(hours=rng.uniform(1, 48))
            expires = created + life
        else:
            created = now - PERIOD * rng.random() ** 1.5
            expires = created + life
            if status == "resolved":
                resolved = created + (min(now, expires) - created) * rng.random()
            elif expires < now + MIN_TIME_LEFT:
                earliest = max(created, now + MIN_TIME_LEFT - life)
                renewed = earliest + (now - earliest) * rng.random()
                expires = renewed + life
        return {
            "created_at": created,
            "updated_at": resolved or renewed or created,
            "expires_at": expires,
            "renewed_at": renewed,
            "resolved_at": resolved,
        }

    def _items(self, kind: str) -> list[tuple]:
        rng, shape = self.rng, self.shape
        how_many = rng.choices(self.item_counts, cum_weights=self.item_count_weights)[0]
        chosen: list = []
        while len(chosen) < how_many:
            medicine = rng.choices(self.medicines, cum_weights=self.medicine_weights)[0]
            if medicine not in chosen:
                chosen.append(medicine)
        items = []
        for medicine in chosen:
            units, unit_weights = self.units[medicine.id]
            unit = rng.choices(units, cum_weights=unit_weights)[0]
            quantity = min(rng.choice(shape["typical_quantities"][unit]), medicine.unit_caps[unit])
            expires_on = sealed = None
            if kind == "offer":
                expires_on = self.today + timedelta(days=rng.randint(*shape["pack_expiry_days"]))
                sealed = rng.random() < shape["sealed_share"]
            items.append((medicine, quantity, unit, expires_on, sealed))
        return items

    def _urgency(self) -> list[str]:
        rng, shape = self.rng, self.shape
        if rng.random() >= shape["urgency_share"]:
            return []
        tags = shape["urgency_weights"]
        how_many = 2 if rng.random() < shape["second_urgency_share"] else 1
        chosen: list[str] = []
        while len(chosen) < how_many:
            tag = rng.choices(list(tags), list(tags.values()))[0]
            if tag not in chosen:
                chosen.append(tag)
        return chosen

    def _note(self, kind: str, urgency: list[str], items: list[tuple]) -> str:
        rng, shape = self.rng, self.shape
        if rng.random() < shape["empty_note_share"]:
            return ""
        if kind == "need":
            group = urgency[0] if urgency else "general"
        else:
            group = "sealed" if all(item[4] for item in items) else "opened"
        first = items[0][0]
        spoken = shape["spoken_names"].get(first.code, first.name_zh)
        return rng.choice(shape["notes"][kind][group]).format(medicine=spoken)


def _normalised(weights) -> np.ndarray:
    array = np.array(list(weights), dtype=float)
    return array / array.sum()
