"""What a bench run sends: load users with fresh tokens, and files of requests for wrk.

Load users are verified users of their own (provider "bench-load"), apart from the generated
posters, so a reveal never hits the viewer's own post. Each run first removes what the last
run's load left (its posts, reveals, idempotency keys and sessions), so runs start alike.
Tokens come from the app's own start_session.
"""

import json
import os
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text

from app.auth.models import AuthSession, User, UserVerification
from app.auth.tokens import start_session
from app.catalog.service import current_medicines
from app.extensions import db
from app.me.models import Consent
from app.me.service import policies
from app.posts.models import ContactReveal, IdempotencyKey, Post
from geo.cities import busiest_cities
from geo.coordinates import in_mainland_china

LOAD_PROVIDER = "bench-load"
LOAD_USERS = 64
POINTS = 400
SAMPLED_POSTS = 5000
BODIES = 1000
# What the mixed run's square requests ask for, and how often (weights).
SQUARE_SHAPES = (
    ("nearest", "", 40),
    ("nearest needs", "&kind=need", 15),
    ("nearest antigen tests", "&medicine=antigen-test", 15),
    ("nearest offers of two medicines", "&kind=offer&medicine=ibuprofen,acetaminophen", 10),
    ("newest within 5 km", "&sort=time&radius_m=5000", 10),
    ("newest needs within 10 km", "&sort=time&kind=need&radius_m=10000", 10),
)
TOP_MEDICINES = ("antigen-test", "ibuprofen", "acetaminophen")


def load_users() -> list[User]:
    """The run's load users, made once and verified like any poster."""
    users = list(
        db.session.scalars(
            select(User)
            .join(UserVerification)
            .where(UserVerification.provider == LOAD_PROVIDER)
            .order_by(User.id)
        )
    )
    now = datetime.now(UTC)
    versions = {purpose: policy["current"] for purpose, policy in policies().items()}
    while len(users) < LOAD_USERS:
        user = User(display_name="压*")
        db.session.add(user)
        db.session.flush()
        db.session.add(
            UserVerification(
                user_id=user.id, level="identity", provider=LOAD_PROVIDER, verified_at=now
            )
        )
        for purpose, version in versions.items():
            db.session.add(Consent(user_id=user.id, purpose=purpose, policy_version=version))
        users.append(user)
    db.session.commit()
    return users


def clear_last_run(user_ids: list[int]) -> None:
    """Remove the last run's posts, reveals, keys and sessions."""
    mine = select(Post.id).where(Post.user_id.in_(user_ids))
    db.session.execute(delete(ContactReveal).where(ContactReveal.viewer_id.in_(user_ids)))
    db.session.execute(delete(ContactReveal).where(ContactReveal.post_id.in_(mine)))
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id.in_(user_ids)))
    db.session.execute(delete(Post).where(Post.user_id.in_(user_ids)))
    db.session.execute(delete(AuthSession).where(AuthSession.user_id.in_(user_ids)))
    db.session.commit()


def write_request_files(directory: str, seed: int = 11) -> dict:
    """Mint tokens and write the files bench/lua reads; returns their paths and the users."""
    rng = random.Random(seed)
    users = load_users()
    user_ids = [user.id for user in users]
    clear_last_run(user_ids)
    tokens = [start_session(user, "h5").access_token for user in users]
    db.session.commit()
    points = _points(rng)
    open_ids = open_post_ids(rng)
    files = {
        "tokens": _write(directory, "tokens.txt", tokens),
        "square_mixed": _write(directory, "square_mixed.txt", _square_paths(rng, points)),
        "square_compare": _write(
            directory,
            "square_compare.txt",
            [f"/api/v1/posts?lat={lat}&lng={lng}" for lat, lng in points],
        ),
        "detail": _write(
            directory,
            "detail.txt",
            [
                f"/api/v1/posts/{post_id}?lat={lat}&lng={lng}"
                for post_id, (lat, lng) in zip(
                    open_ids, rng.choices(points, k=len(open_ids)), strict=True
                )
            ],
        ),
        "post_ids": _write(directory, "post_ids.txt", [str(post_id) for post_id in open_ids]),
        "bodies": _write(directory, "bodies.txt", request_bodies(rng, points)),
    }
    return {"files": files, "load_user_ids": user_ids}


def _write(directory: str, name: str, lines: list[str]) -> str:
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def _points(rng: random.Random) -> list[tuple[float, float]]:
    """Points in the six busiest cities, as many as their weight, spread like their posts, on
    the mainland (Shenzhen's spread reaches Hong Kong, where no post may be made)."""
    cities = busiest_cities()
    points = []
    while len(points) < POINTS:
        city = rng.choices(cities, [city.weight for city in cities])[0]
        spread = city.spread_km * 1000
        spot = city.center.offset(rng.gauss(0, spread), rng.gauss(0, spread))
        if in_mainland_china(spot):
            points.append((round(spot.lat, 6), round(spot.lon, 6)))
    return points


def _square_paths(rng: random.Random, points) -> list[str]:
    paths = []
    for lat, lng in points:
        for _name, query, weight in SQUARE_SHAPES:
            paths.extend([f"/api/v1/posts?lat={lat}&lng={lng}{query}"] * weight)
    rng.shuffle(paths)
    return paths


def open_post_ids(rng: random.Random) -> list[int]:
    """A sample of posts on the square (open, in time)."""
    highest = db.session.scalar(select(func.max(Post.id))) or 0
    candidates = rng.sample(range(1, highest + 1), min(highest, SAMPLED_POSTS * 2))
    return list(
        db.session.scalars(
            select(Post.id)
            .where(Post.id.in_(candidates), Post.status == "open", Post.expires_at > func.now())
            .limit(SAMPLED_POSTS)
        )
    )


def request_bodies(rng: random.Random, points) -> list[str]:
    """Valid create requests: needs and offers of the top medicines, in the busy cities."""
    medicines = [m for m in current_medicines() if m.code in TOP_MEDICINES]
    pack_expires_on = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()
    bodies = []
    for index in range(BODIES):
        kind = "need" if rng.random() < 0.6 else "offer"
        chosen = rng.sample(medicines, rng.choice((1, 1, 2)))
        items = []
        for medicine in chosen:
            unit = sorted(medicine.unit_caps)[0]
            item = {"medicine": medicine.code, "quantity": 1, "unit": unit}
            if kind == "offer":
                item |= {"pack_expires_on": pack_expires_on, "sealed": True}
            items.append(item)
        lat, lng = rng.choice(points)
        body = {
            "kind": kind,
            "items": items,
            "note": "压测" if kind == "need" else "压测，全新未拆封",
            "contact_phone": f"154{90000000 + index:08d}",
            "location": {"lat": lat, "lng": lng},
        }
        bodies.append(json.dumps(body, ensure_ascii=False))
    return bodies


def created_posts_check(user_ids: list[int], answered: int, sent: int) -> dict:
    """Whether the created posts landed once each.

    Every 201 must be a row (none lost), and no row may exceed the requests sent, each with a
    key of its own (none doubled). wrk stops with requests in flight, whose posts may be made
    without their 201 being counted: rows may exceed the 201s by at most those.
    """
    row = db.session.execute(
        text(
            """SELECT (SELECT count(*) FROM posts WHERE user_id = ANY(:ids)) AS posts,
                      (SELECT count(*) FROM idempotency_keys WHERE user_id = ANY(:ids)) AS keys,
                      (SELECT count(DISTINCT post_id) FROM idempotency_keys
                        WHERE user_id = ANY(:ids)) AS keyed_posts,
                      (SELECT count(*) FROM posts p WHERE p.user_id = ANY(:ids)
                          AND NOT EXISTS (SELECT 1 FROM post_items i WHERE i.post_id = p.id))
                          AS without_items"""
        ),
        {"ids": user_ids},
    ).one()
    result = {
        "answered_201": answered,
        "sent": sent,
        "rows": row.posts,
        "in_flight_at_stop": row.posts - answered,
        "idempotency_keys": row.keys,
        "posts_with_a_key": row.keyed_posts,
        "posts_without_items": row.without_items,
    }
    result["ok"] = (
        answered <= row.posts <= sent
        and row.posts == row.keys == row.keyed_posts
        and row.without_items == 0
    )
    return result
