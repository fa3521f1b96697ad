"""Demo users and posts in every city of mainland China, in the shape of December 2022's posts.

Only for `make run`. Phone numbers are in the 154 segment, not given to any operator, so
no demo number can ring a real person; identity numbers and names are made up and, like real
ones, stored only as HMACs and masked names. Rows go in by bulk inserts (a few thousand posts in
a second or two); the post_items trigger fills each item's copies of its post's fields.
"""

import functools
import math
import os
import random
from datetime import UTC, datetime, timedelta

import yaml
from flask import current_app
from sqlalchemy import exists, insert, select

from app.auth.identity import check_character, id_number_digest
from app.auth.lookup import mask_mobile
from app.auth.models import User, UserVerification
from app.catalog.models import Medicine
from app.catalog.service import current_medicines
from app.extensions import db
from app.me.models import Consent
from app.me.names import mask_name
from app.me.service import policies
from app.posts.areas import fill_area_codes
from app.posts.contact import encrypt_phone
from app.posts.models import Post, PostItem
from app.posts.public import note_columns
from app.posts.service import lifetime, public_position_of
from geo.cities import City, cities
from geo.coordinates import in_mainland_china
from geo.points import LonLat

DATA_PATH = os.path.join(os.path.dirname(__file__), "data.yaml")
DEMO_PERIOD = timedelta(days=5)
# Open posts keep at least this long after seeding (their posters renewed them if need be), so
# the square does not thin out during the session that seeded it.
MIN_TIME_LEFT = timedelta(hours=6)
# 154 has never been given to an operator (unlike 199, China Telecom's since 2017).
DEMO_PHONE_PREFIX = "154"
# Each city's first poster lives at most this far east or west, north or south of its seat.
NEAR_SEAT_M = 700
# Spots that fall outside the mainland (across a border, at sea) are drawn again, this often.
SPOT_TRIES = 20


@functools.cache
def demo_shape() -> dict:
    with open(DATA_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def seed_demo_posts(count: int, seed: int) -> int:
    """Create `count` demo posts (and their users) unless the database already has posts.

    Each city of geo/data/cities.yaml gets its weight's share (largest remainders), so with a
    few thousand posts every city has some open ones near its seat.

    Returns:
        How many posts were created; 0 when posts were already there.
    """
    if db.session.scalar(select(exists().where(Post.id.isnot(None)))):
        return 0
    seeder = _Seeder(random.Random(seed), datetime.now(UTC))
    for city, how_many in posts_per_city(count):
        seeder.add_city(city, how_many)
    seeder.insert()
    db.session.commit()
    return count


def posts_per_city(count: int) -> list[tuple[City, int]]:
    """How many of `count` posts each city gets: its weight's share, by largest remainders."""
    total = sum(city.weight for city in cities())
    shares = [(city, count * city.weight / total) for city in cities()]
    counts = {city.area_code: math.floor(share) for city, share in shares}
    by_remainder = sorted(shares, key=lambda pair: pair[1] - math.floor(pair[1]), reverse=True)
    for city, _share in by_remainder[: count - sum(counts.values())]:
        counts[city.area_code] += 1
    return [(city, counts[city.area_code]) for city in cities() if counts[city.area_code]]


class _Seeder:
    """Rows of users, posts and items, planned in memory and inserted in bulk at the end."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.shape = demo_shape()
        weights = self.shape["medicine_weights"]
        self.medicines = [m for m in current_medicines() if weights.get(m.code, 0) > 0]
        self.medicine_weights = [weights[m.code] for m in self.medicines]
        self.users: list[dict] = []
        # Per user: their posts, each a (post row, item rows) pair.
        self.posts: list[list[tuple[dict, list[dict]]]] = []
        self.identity_numbers: set[str] = set()

    def add_city(self, city: City, how_many: int) -> None:
        resolved = round(how_many * self.shape["resolved_share"])
        expired = round(how_many * self.shape["expired_share"])
        statuses = ["resolved"] * resolved + ["expired"] * expired
        statuses += ["open"] * (how_many - len(statuses))
        self.rng.shuffle(statuses)
        # Whoever opens the square at a city's seat finds an open post close by.
        statuses.remove("open")
        statuses.insert(0, "open")
        sizes = self.shape["posts_per_user_weights"]
        most = current_app.config["OPEN_POSTS_PER_USER"]
        near_seat = True
        while statuses:
            size = min(self.rng.choices(list(sizes), list(sizes.values()))[0], most)
            mine, statuses = statuses[:size], statuses[size:]
            self._add_person(city, mine, near_seat)
            near_seat = False

    def _add_person(self, city: City, statuses: list[str], near_seat: bool) -> None:
        phone = f"{DEMO_PHONE_PREFIX}{len(self.users):08d}"
        home = self._spot(city, near_seat)
        posts = [self._post(city, home, phone, status) for status in statuses]
        joined = min(post["created_at"] for post, _items in posts) - timedelta(
            minutes=self.rng.uniform(10, 180)
        )
        self.users.append(self._user(city, joined))
        self.posts.append(posts)

    def _spot(self, city: City, near_seat: bool) -> LonLat:
        spread_m = city.spread_km * 1000
        # The same check create_post makes: a demo post could have been posted.
        for _try in range(SPOT_TRIES):
            if near_seat:
                near = min(NEAR_SEAT_M, spread_m)
                east, north = self.rng.uniform(-near, near), self.rng.uniform(-near, near)
            else:
                east, north = self.rng.gauss(0, spread_m), self.rng.gauss(0, spread_m)
            spot = city.center.offset(east, north)
            if in_mainland_china(spot):
                return spot
        return city.center

    def _user(self, city: City, joined: datetime) -> dict:
        shape = self.shape
        given = self.rng.choices(
            shape["given_name_characters"], k=self.rng.choice(shape["given_name_lengths"])
        )
        return {
            "display_name": mask_name(self.rng.choice(shape["family_names"]) + "".join(given)),
            "id_number_hmac": id_number_digest(
                self._identity_number(city), current_app.config["ID_NUMBER_HMAC_KEY"]
            ),
            "created_at": joined,
        }

    def _identity_number(self, city: City) -> str:
        # Unique, as the users table requires: two people never share a number.
        while True:
            born = datetime(1950, 1, 1, tzinfo=UTC) + timedelta(days=self.rng.randrange(365 * 55))
            first_17 = f"{city.area_code}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            if first_17 not in self.identity_numbers:
                self.identity_numbers.add(first_17)
                return first_17 + check_character(first_17)

    def _post(self, city: City, home: LonLat, phone: str, status: str) -> tuple[dict, list[dict]]:
        shape = self.shape
        kinds = shape["kind_weights"]
        kind = self.rng.choices(list(kinds), list(kinds.values()))[0]
        item_counts = shape["items_per_post_weights"]
        how_many = self.rng.choices(list(item_counts), list(item_counts.values()))[0]
        items = [
            self._item(medicine, kind, position)
            for position, medicine in enumerate(self._distinct_medicines(how_many))
        ]
        urgency = self._urgency() if kind == "need" else []
        hint = self.rng.random() < shape["address_hint_share"]
        post = {
            "kind": kind,
            "status": status,
            "catalog_edition_id": items[0]["medicine"].edition_id,
            "location": home.to_ewkt(),
            "public_position": public_position_of(home),
            "area_code": None,
            **note_columns(self._note(kind, urgency, items)),
            "address_hint": self.rng.choice(shape["address_hints"]) if hint else None,
            "urgency": urgency,
            "contact_phone_encrypted": encrypt_phone(phone),
            "contact_phone_masked": mask_mobile(phone),
            **self._times(kind, status),
        }
        return post, items

    def _times(self, kind: str, status: str) -> dict:
        """When the post was made, renewed, resolved and runs out, for its status."""
        life = lifetime(kind)
        if status == "expired":
            created = self.now - life - timedelta(hours=self.rng.uniform(1, 48))
            return _timeline(created, created + life)
        # Most posts are recent: the wave grew day by day.
        created = self.now - DEMO_PERIOD * self.rng.random() ** 1.5
        if status == "resolved":
            helped = created + (min(self.now, created + life) - created) * self.rng.random()
            return _timeline(created, created + life, resolved=helped)
        if created + life >= self.now + MIN_TIME_LEFT:
            return _timeline(created, created + life)
        earliest = max(created, self.now + MIN_TIME_LEFT - life)
        renewed = earliest + (self.now - earliest) * self.rng.random()
        return _timeline(created, renewed + life, renewed=renewed)

    def _distinct_medicines(self, how_many: int) -> list[Medicine]:
        chosen: dict[int, Medicine] = {}
        while len(chosen) < min(how_many, len(self.medicines)):
            medicine = self.rng.choices(self.medicines, self.medicine_weights)[0]
            chosen[medicine.id] = medicine
        return list(chosen.values())

    def _item(self, medicine: Medicine, kind: str, position: int) -> dict:
        shape = self.shape
        units = list(medicine.unit_caps)
        unit = self.rng.choices(units, [shape["unit_weights"][u] for u in units])[0]
        quantity = min(self.rng.choice(shape["typical_quantities"][unit]), medicine.unit_caps[unit])
        item = {
            "medicine": medicine,
            "position": position,
            "quantity": quantity,
            "unit": unit,
            "pack_expires_on": None,
            "sealed": None,
        }
        if kind == "offer":
            days = self.rng.randint(*shape["pack_expiry_days"])
            item["pack_expires_on"] = (self.now + timedelta(days=days)).date()
            item["sealed"] = self.rng.random() < shape["sealed_share"]
        return item

    def _urgency(self) -> list[str]:
        shape = self.shape
        if self.rng.random() >= shape["urgency_share"]:
            return []
        tags = shape["urgency_weights"]
        how_many = 2 if self.rng.random() < shape["second_urgency_share"] else 1
        chosen: list[str] = []
        while len(chosen) < how_many:
            tag = self.rng.choices(list(tags), list(tags.values()))[0]
            if tag not in chosen:
                chosen.append(tag)
        return chosen

    def _note(self, kind: str, urgency: list[str], items: list[dict]) -> str:
        shape = self.shape
        if self.rng.random() < shape["empty_note_share"]:
            return ""
        if kind == "need":
            group = urgency[0] if urgency else "general"
        else:
            group = "sealed" if all(item["sealed"] for item in items) else "opened"
        first = items[0]["medicine"]
        spoken = shape["spoken_names"].get(first.code, first.name_zh)
        return self.rng.choice(shape["notes"][kind][group]).format(medicine=spoken)

    def insert(self) -> None:
        """Users, their verifications and consents, posts and items: one bulk insert each."""
        user_ids = _inserted_ids(User, self.users)
        db.session.execute(
            insert(UserVerification.__table__),
            [
                {"user_id": user_id, "level": "identity", "provider": "demo", "verified_at": joined}
                for user_id, joined in _joined(user_ids, self.users)
            ],
        )
        versions = {purpose: policy["current"] for purpose, policy in policies().items()}
        db.session.execute(
            insert(Consent.__table__),
            [
                {
                    "user_id": user_id,
                    "purpose": purpose,
                    "policy_version": version,
                    "granted_at": joined,
                }
                for user_id, joined in _joined(user_ids, self.users)
                for purpose, version in versions.items()
            ],
        )
        owned = [
            (user_id, post, items)
            for user_id, posts in zip(user_ids, self.posts, strict=True)
            for post, items in posts
        ]
        post_ids = _inserted_ids(Post, [{**post, "user_id": user_id} for user_id, post, _ in owned])
        db.session.execute(
            insert(PostItem.__table__),
            [
                {**_without_medicine(item), "post_id": post_id, "medicine_id": item["medicine"].id}
                for post_id, (_user, _post, items) in zip(post_ids, owned, strict=True)
                for item in items
            ],
        )
        # The county each spot lies in, as create_post finds it.
        fill_area_codes(post_ids)


def _timeline(created, expires, *, renewed=None, resolved=None) -> dict:
    return {
        "created_at": created,
        "updated_at": resolved or renewed or created,
        "expires_at": expires,
        "renewed_at": renewed,
        "resolved_at": resolved,
    }


def _inserted_ids(model, rows: list[dict]) -> list[int]:
    # Core, not ORM, inserts: the ORM would split rows by which columns are None.
    table = model.__table__
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(returning, rows))


def _joined(user_ids: list[int], users: list[dict]):
    return ((user_id, user["created_at"]) for user_id, user in zip(user_ids, users, strict=True))


def _without_medicine(item: dict) -> dict:
    return {key: value for key, value in item.items() if key != "medicine"}
