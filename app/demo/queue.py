"""The demo moderator and a realistic moderators' queue, for `make run` only.

Everything goes through the real services (create_post and its screening, file_report, a
moderator's claim and decision, the poster's appeal), so the queue, its priorities and its
audit trail look exactly as they would after real use.
"""

import random
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select

from app.auth.models import User
from app.extensions import db
from app.moderation import decisions, intake, queue
from app.moderation.cases import open_case_of
from app.moderation.models import ModerationCase
from app.posts.create import create_post
from app.posts.models import Post
from app.posts.presenter import Reader
from app.posts.schemas import PostCreateSchema
from app.staff import service as staff_service
from app.staff.models import StaffAccount
from app.staff.service import StaffCredentials, StaffNotFound
from geo.cities import busiest_cities

from .seed import DEMO_PHONE_PREFIX, demo_shape

# Posts made for the queue get contact numbers after every seeded person's, still in 154.
QUEUE_PHONE_BASE = 90_000_000
# How far from their city's seat the queue's new posts lie, at most.
QUEUE_POST_SPREAD_M = 3000


class DemoRefused(Exception):
    """Demo accounts and data are for development; production never gets them."""


def demo_moderator() -> StaffCredentials:
    """The demo moderator's sign-in: made on first call, the same account afterwards.

    Returns:
        Credentials with the configured password (DEMO_MODERATOR_PASSWORD) and the TOTP secret.

    Raises:
        DemoRefused: in production.
    """
    config = current_app.config
    if config["ENV_NAME"] == "production":
        raise DemoRefused("the demo moderator is for development only")
    username, password = config["DEMO_MODERATOR_USERNAME"], config["DEMO_MODERATOR_PASSWORD"]
    try:
        credentials = staff_service.credentials_of(username)
    except StaffNotFound:
        credentials = staff_service.create_staff(username, "moderator", password)
    return StaffCredentials(
        credentials.username,
        credentials.role,
        credentials.totp_secret,
        credentials.totp_uri,
        password,
    )


def seed_demo_queue(seed: int) -> int:
    """Fill the queue once: held posts, reported posts, an "already resolved" report, an appeal.

    Needs the demo posts (seed_demo_posts) for posters, reporters and posts to report.

    Returns:
        How many queue items were opened; 0 when the queue had items already.

    Raises:
        DemoRefused: in production.
    """
    if db.session.scalar(select(exists().where(ModerationCase.id.isnot(None)))):
        return 0
    moderator = _account(demo_moderator().username)
    shape = demo_shape()["queue"]
    rng = random.Random(seed)
    people = _people_with_room(len(shape["screening_notes"]) + 10)
    if not people:
        return 0
    held = [
        _screened_post(person, note, number, rng)
        for number, (person, note) in enumerate(zip(people, shape["screening_notes"], strict=False))
    ]
    _decide_then_appeal(held[0], moderator, shape)
    reporters = people[len(held) :]
    targets = _posts_to_report(len(shape["reported"]) + len(shape["already_resolved"]), rng)
    for post, reports in zip(
        targets, shape["reported"] + [shape["already_resolved"]], strict=False
    ):
        for reporter, (reason, note) in zip(_others(reporters, post), reports, strict=False):
            intake.file_report(post.id, reporter, reason, note)
    return db.session.scalar(
        select(func.count()).select_from(ModerationCase).where(ModerationCase.state == "open")
    )


def _account(username: str) -> StaffAccount:
    return db.session.scalar(select(StaffAccount).where(StaffAccount.username == username))


def _people_with_room(how_many: int) -> list[User]:
    """Demo users with no open post, so a new post stays within OPEN_POSTS_PER_USER."""
    open_posts = select(Post.id).where(Post.user_id == User.id, Post.status == "open").exists()
    return list(
        db.session.scalars(select(User).where(~open_posts).order_by(User.id).limit(how_many))
    )


def _screened_post(person: User, note: str, number: int, rng: random.Random) -> Post:
    city = busiest_cities()[number % len(busiest_cities())]
    spot = city.center.offset(
        rng.uniform(-QUEUE_POST_SPREAD_M, QUEUE_POST_SPREAD_M),
        rng.uniform(-QUEUE_POST_SPREAD_M, QUEUE_POST_SPREAD_M),
    )
    expires = (datetime.now(UTC) + timedelta(days=rng.randint(90, 400))).date()
    body = PostCreateSchema().load(
        {
            "kind": "offer",
            "items": [
                {
                    "medicine": "ibuprofen",
                    "quantity": rng.choice([10, 20]),
                    "unit": "tablet",
                    "pack_expires_on": expires.isoformat(),
                    "sealed": True,
                }
            ],
            "note": note,
            "contact_phone": f"{DEMO_PHONE_PREFIX}{QUEUE_PHONE_BASE + number:08d}",
            "location": {"lat": spot.lat, "lng": spot.lon},
        }
    )
    _answer, post_id, _created = create_post(person, body, None, Reader())
    return db.session.get(Post, post_id)


def _decide_then_appeal(post: Post, moderator: StaffAccount, shape: dict) -> None:
    case = queue.claim(open_case_of(post.id).id, moderator)
    decisions.decide(case.id, moderator, "hide", shape["decision_reason"], case.version)
    intake.appeal(post.id, db.session.get(User, post.user_id), shape["appeal_note"])


def _posts_to_report(how_many: int, rng: random.Random) -> list[Post]:
    on_the_square = list(
        db.session.scalars(
            select(Post)
            .where(Post.status == "open", Post.expires_at > func.now())
            .order_by(Post.id)
            .limit(how_many * 20)
        )
    )
    return rng.sample(on_the_square, min(how_many, len(on_the_square)))


def _others(people: list[User], post: Post) -> list[User]:
    return [person for person in people if person.id != post.user_id]
