"""Demo users and posts around the six busiest cities, in the shape of the real December 2022 posts.

Only for `make run`: phone numbers use the 199-0000 range, and identity numbers and names are
made up; like real ones, the names are stored masked and the numbers as HMACs only.
"""

import functools
import os
import random
from datetime import UTC, datetime, timedelta

import yaml
from flask import current_app
from sqlalchemy import exists, select

from app.auth.identity import check_character, id_number_digest
from app.auth.lookup import mask_mobile
from app.auth.models import User, UserVerification
from app.catalog.models import Medicine
from app.catalog.service import current_medicines
from app.extensions import db
from app.me.models import Consent
from app.me.names import mask_name
from app.me.service import policies
from app.posts.contact import encrypt_phone
from app.posts.models import Post, PostItem
from app.posts.service import lifetime, public_position_of
from geo.cities import busiest_cities

DATA_PATH = os.path.join(os.path.dirname(__file__), "data.yaml")
POSTS_PER_USER = 2
DEMO_PERIOD = timedelta(days=5)
DEMO_PHONE_PREFIX = "1990000"


@functools.cache
def demo_shape() -> dict:
    with open(DATA_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def seed_demo_posts(count: int, seed: int) -> int:
    """Create `count` demo posts (and their users) unless the database already has posts.

    Returns:
        How many posts were created; 0 when posts were already there.
    """
    if db.session.scalar(select(exists().where(Post.id.isnot(None)))):
        return 0
    rng = random.Random(seed)
    shape = demo_shape()
    medicines = [m for m in current_medicines() if shape["medicine_weights"].get(m.code, 0) > 0]
    users = [_demo_user(rng) for _ in range(max(1, count // POSTS_PER_USER))]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(consent for user in users for consent in _demo_consents(user))
    now = datetime.now(UTC)
    db.session.add_all(
        _demo_post(rng, shape, medicines, rng.choice(users), now) for _ in range(count)
    )
    db.session.commit()
    return count


def _demo_user(rng: random.Random) -> User:
    birth = datetime(1950, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(365 * 55))
    first_17 = f"{rng.choice(busiest_cities()).area_code}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    shape = demo_shape()
    given = rng.choices(shape["given_name_characters"], k=rng.choice(shape["given_name_lengths"]))
    return User(
        display_name=mask_name(rng.choice(shape["family_names"]) + "".join(given)),
        id_number_hmac=id_number_digest(
            first_17 + check_character(first_17), current_app.config["ID_NUMBER_HMAC_KEY"]
        ),
        verifications=[UserVerification(level="identity", provider="demo")],
    )


def _demo_consents(user: User) -> list[Consent]:
    """A demo poster consented to all that posting needs, to the policies now current."""
    return [
        Consent(user_id=user.id, purpose=purpose, policy_version=policy["current"])
        for purpose, policy in policies().items()
    ]


def _demo_post(
    rng: random.Random, shape: dict, medicines: list[Medicine], user: User, now: datetime
) -> Post:
    cities = busiest_cities()
    city = rng.choices(cities, weights=[city.weight for city in cities])[0]
    spread_m = city.spread_km * 1000
    location = city.center.offset(rng.gauss(0, spread_m), rng.gauss(0, spread_m))
    kind = rng.choices(list(shape["kind_weights"]), weights=list(shape["kind_weights"].values()))[0]
    created_at = now - DEMO_PERIOD * rng.random()
    resolved = rng.random() < shape["resolved_share"]
    item_counts = shape["items_per_post_weights"]
    chosen = _distinct_medicines(
        rng, shape, medicines, rng.choices(list(item_counts), list(item_counts.values()))[0]
    )
    phone = f"{DEMO_PHONE_PREFIX}{rng.randrange(10_000):04d}"
    return Post(
        user=user,
        kind=kind,
        status="resolved" if resolved else "open",
        catalog_edition_id=chosen[0].edition_id,
        location=location.to_ewkt(),
        public_position=public_position_of(location),
        area_code=city.area_code,
        note=rng.choice(shape["notes"][kind]),
        contact_phone_encrypted=encrypt_phone(phone),
        contact_phone_masked=mask_mobile(phone),
        created_at=created_at,
        # Demo posters renew their posts, so the square looks alive whenever it is started.
        expires_at=now + lifetime(kind) * rng.uniform(0.1, 1),
        resolved_at=created_at + (now - created_at) * rng.random() if resolved else None,
        items=[
            _demo_item(rng, shape, medicine, kind, position, now)
            for position, medicine in enumerate(chosen)
        ],
    )


def _distinct_medicines(rng, shape, medicines, how_many) -> list[Medicine]:
    weights = [shape["medicine_weights"][m.code] for m in medicines]
    chosen: dict[int, Medicine] = {}
    while len(chosen) < min(how_many, len(medicines)):
        medicine = rng.choices(medicines, weights=weights)[0]
        chosen[medicine.id] = medicine
    return list(chosen.values())


def _demo_item(
    rng: random.Random,
    shape: dict,
    medicine: Medicine,
    kind: str,
    position: int,
    now: datetime,
) -> PostItem:
    units = list(medicine.unit_caps)
    unit = rng.choices(units, weights=[shape["unit_weights"][u] for u in units])[0]
    quantity = min(rng.choice(shape["typical_quantities"][unit]), medicine.unit_caps[unit])
    item = PostItem(medicine=medicine, position=position, quantity=quantity, unit=unit)
    if kind == "offer":
        item.pack_expires_on = (now + timedelta(days=rng.randrange(60, 720))).date()
        item.sealed = rng.random() < 0.7
    return item
