"""Posts' contact numbers: encrypted at rest, revealed one at a time to verified users, every
reveal recorded for the poster to see and limited per viewer per day."""

import base64
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import func, select

from app.auth.daily_quota import refuse_past_daily_quota
from app.auth.models import User
from app.auth.pseudonyms import pseudonym_of
from app.auth.service import require_level
from app.errors import TryAgainLater
from app.extensions import db
from app.posts.models import ContactReveal, Post

audit_log = logging.getLogger("medshare.audit")


class ContactRevealLimit(TryAgainLater):
    code = "contact_reveal_limit"


def _fernet() -> Fernet:
    # Fernet wants 32 url-safe base64 bytes; any length of configured secret is stretched to that.
    secret = current_app.config["CONTACT_PHONE_KEY"].encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret).digest()))


def encrypt_phone(mobile: str) -> bytes:
    return _fernet().encrypt(mobile.encode())


def decrypt_phone(token: bytes) -> str:
    return _fernet().decrypt(token).decode()


@dataclass(frozen=True)
class Contact:
    post_id: int
    phone: str
    address_hint: str | None
    poster_name: str
    revealed_at: datetime


def reveal_contact(post: Post, viewer: User) -> Contact:
    """Show a post's contact number to a verified user, and record that they saw it.

    Seeing the same post's number again the same day costs nothing more from the daily limit,
    but is recorded again.

    Args:
        post: an open post of someone else's (the caller checks both).
        viewer: who asks; needs the contact verification level.

    Raises:
        NotVerified: the viewer lacks the level revealing needs.
        ContactRevealLimit: the viewer saw CONTACT_REVEALS_PER_DAY numbers today (China time).
    """
    require_level(viewer, "reveal_contact")
    refuse_past_daily_quota(
        viewer.id,
        # A number seen again the same day costs nothing more.
        lambda midnight: _numbers_counted(post, viewer, midnight),
        "CONTACT_REVEALS_PER_DAY",
        ContactRevealLimit,
    )
    reveal = ContactReveal(post_id=post.id, viewer_id=viewer.id)
    db.session.add(reveal)
    viewer_pseudonym = str(pseudonym_of(viewer.id))
    db.session.commit()
    audit_log.info(
        "contact revealed",
        extra={
            "fields": {"event": "contact_revealed", "post_id": post.id, "viewer": viewer_pseudonym}
        },
    )
    return Contact(
        post_id=post.id,
        phone=decrypt_phone(post.contact_phone_encrypted),
        address_hint=post.address_hint,
        poster_name=post.user.display_name,
        revealed_at=reveal.revealed_at,
    )


def reveals_of(post: Post) -> list[ContactReveal]:
    """Who saw this post's number and when, newest first, for its owner."""
    return list(
        db.session.scalars(
            select(ContactReveal)
            .where(ContactReveal.post_id == post.id)
            .order_by(ContactReveal.revealed_at.desc(), ContactReveal.id.desc())
        )
    )


def _numbers_counted(post: Post, viewer: User, midnight: datetime) -> int:
    """The numbers viewer saw since midnight that count against a reveal of post's: none if
    post's is among them."""
    seen = _posts_revealed_since(viewer, midnight)
    return 0 if post.id in seen else len(seen)


def _posts_revealed_since(viewer: User, midnight: datetime) -> set[int]:
    return set(
        db.session.scalars(
            select(func.distinct(ContactReveal.post_id)).where(
                ContactReveal.viewer_id == viewer.id,
                ContactReveal.revealed_at >= midnight,
            )
        )
    )
