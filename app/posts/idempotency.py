"""Idempotency-Key for creates: a retried request gets the first answer and creates nothing.

A transaction-scoped advisory lock on (user, key) marks a request in flight: a second request
with the key while the first runs gets 409 instead of waiting or creating twice. The key's row
is written in the same transaction as what it created, so either both exist or neither does,
and a create that failed leaves the key free for a corrected retry.
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.errors import DomainError
from app.extensions import db
from app.posts.models import IdempotencyKey


class IdempotencyKeyInFlight(DomainError):
    code = "idempotency_key_in_flight"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"


def fingerprint(body: dict) -> str:
    """SHA-256 of a request body as loaded, independent of key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(user_id: int, key: str, body_fingerprint: str) -> int | None:
    """Hold the key for this transaction and say what it already created, if anything.

    Returns:
        The id of the post the key created before, or None when this request is the first.

    Raises:
        IdempotencyKeyInFlight: another request with the key is running now.
        IdempotencyKeyReused: the key was used before with a different body.
    """
    held = db.session.scalar(
        select(func.pg_try_advisory_xact_lock(func.hashtextextended(f"{user_id}:{key}", 0)))
    )
    if not held:
        raise IdempotencyKeyInFlight
    earlier = db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at > _oldest_kept(),
        )
    )
    if earlier is None:
        return None
    if earlier.fingerprint != body_fingerprint:
        raise IdempotencyKeyReused
    return earlier.post_id


def remember(user_id: int, key: str, body_fingerprint: str, post_id: int) -> None:
    """Record what the key created; the caller commits it with the creation itself."""
    db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    db.session.add(
        IdempotencyKey(user_id=user_id, key=key, fingerprint=body_fingerprint, post_id=post_id)
    )


def forget_expired() -> int:
    """Delete keys older than IDEMPOTENCY_KEY_HOURS; returns how many went."""
    result = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at <= _oldest_kept())
    )
    db.session.commit()
    return result.rowcount


def _oldest_kept() -> datetime:
    return datetime.now(UTC) - timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])
