"""Idempotency-Key for creates: a retried request gets the first answer and creates nothing.

A transaction-scoped advisory lock on (user, key) marks a request in flight: a second request
with the key while the first runs gets 409 instead of waiting or creating twice. The key's row
is written in the same statement as what it created (app/posts/create.py), so either both exist
or neither does, and a create that failed leaves the key free for a corrected retry.
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import Insert, insert

from app.errors import DomainError
from app.extensions import db
from app.posts.models import IdempotencyKey

# A bind parameter, not a constant: statements built with it are compiled once and reused.
_OLDEST_KEPT = bindparam("oldest_kept", type_=DateTime(timezone=True))


class IdempotencyKeyInFlight(DomainError):
    code = "idempotency_key_in_flight"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"


def fingerprint(body: dict) -> str:
    """SHA-256 of a request body as loaded, independent of key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim_columns(user_id, key) -> list[ColumnElement]:
    """What claim_of reads, as columns a create's statement adds: whether this transaction
    now holds the key, and what the key did before (fingerprint, post id).

    Args:
        user_id, key: SQL expressions (bind parameters) of the values. The statement also binds
            "oldest_kept" (oldest_kept()).
    """
    return [
        _try_lock(user_id, key).label("key_free"),
        select(func.json_build_array(IdempotencyKey.fingerprint, IdempotencyKey.post_id))
        .where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at > _OLDEST_KEPT,
        )
        .scalar_subquery()
        .label("earlier"),
    ]


def claim_of(row, body_fingerprint: str) -> int | None:
    """claim's answer from a row with claim_columns.

    Raises:
        IdempotencyKeyInFlight, IdempotencyKeyReused: as claim.
    """
    if not row.key_free:
        raise IdempotencyKeyInFlight
    if row.earlier is None:
        return None
    fingerprint, post_id = row.earlier
    if fingerprint != body_fingerprint:
        raise IdempotencyKeyReused
    return post_id


def remember_after(user_id, key, body_fingerprint, post_id) -> Insert:
    """The key's row for a post made in the same statement, returning the row when it was
    written: a key an earlier request committed meanwhile is left alone (the caller replays
    that request instead), one forgotten by age is written over.

    Args:
        user_id, key, body_fingerprint: SQL expressions (bind parameters) of the values.
        post_id: the new post's column.

    The statement also binds "oldest_kept", which the caller gives as oldest_kept().
    """
    written = insert(IdempotencyKey).from_select(
        ["user_id", "key", "fingerprint", "post_id"],
        select(user_id, key, body_fingerprint, post_id),
    )
    return written.on_conflict_do_update(
        index_elements=[IdempotencyKey.user_id, IdempotencyKey.key],
        set_={
            "fingerprint": written.excluded.fingerprint,
            "post_id": written.excluded.post_id,
            "created_at": func.now(),
        },
        where=IdempotencyKey.created_at <= _OLDEST_KEPT,
    ).returning(IdempotencyKey.post_id)


def claim(user_id: int, key: str, body_fingerprint: str) -> int | None:
    """Hold the key for this transaction and say what it already created, if anything.

    Returns:
        The id of the post the key created before, or None when this request is the first.

    Raises:
        IdempotencyKeyInFlight: another request with the key is running now.
        IdempotencyKeyReused: the key was used before with a different body.
    """
    if not db.session.scalar(select(_try_lock(literal(user_id), literal(key)))):
        raise IdempotencyKeyInFlight
    earlier = db.session.scalar(select(IdempotencyKey).where(_kept(user_id, key)))
    if earlier is None:
        return None
    if earlier.fingerprint != body_fingerprint:
        raise IdempotencyKeyReused
    return earlier.post_id


def forget_expired() -> int:
    """Delete keys older than IDEMPOTENCY_KEY_HOURS; returns how many went."""
    result = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at <= oldest_kept())
    )
    db.session.commit()
    return result.rowcount


def _try_lock(user_id, key) -> ColumnElement:
    name = func.concat(cast(user_id, String), ":", key)
    return func.pg_try_advisory_xact_lock(func.hashtextextended(name, 0))


def _kept(user_id: int, key: str) -> ColumnElement:
    return and_(
        IdempotencyKey.user_id == user_id,
        IdempotencyKey.key == key,
        IdempotencyKey.created_at > oldest_kept(),
    )


def oldest_kept() -> datetime:
    return datetime.now(UTC) - timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])
