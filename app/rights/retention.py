"""Retention: personal data is kept only as long as its purpose needs, then purged.

`flask --app wsgi medshare purge`, from cron, runs every rule below. Each rule works in batches,
one transaction per batch, choosing rows with SKIP LOCKED so it never waits on the app; a row
purged is not chosen again, so the command can run as often as wanted, or be stopped and run
again. Periods come from config (RETENTION_*); none is shorter than a day, since the daily
limits (SMS codes, reveals, exports, identity checks) count the rows of the last day.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, or_, select, tuple_

from app.auth.models import AuthSession, WeChatWebState
from app.auth.sms.models import SmsChallenge
from app.extensions import db
from app.me.models import VerificationAttempt
from app.posts import lifecycle
from app.posts.idempotency import oldest_kept as oldest_idempotency_key_kept
from app.posts.models import ContactReveal, IdempotencyKey
from app.rights.models import DataExport

DEFAULT_BATCH = 1000
# What the daily limits count back over: no period may be shorter.
SHORTEST_PERIOD = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """What one purge does: a name to print, and a function doing one batch of it."""

    name: str
    one_batch: Callable[[datetime, int], int]


def _days(setting: str) -> timedelta:
    return max(timedelta(days=current_app.config[setting]), SHORTEST_PERIOD)


def _deleting(model, older: Callable[[datetime], ColumnElement]) -> Callable[[datetime, int], int]:
    """One batch of deleting model's rows for which older(now) holds, by primary key."""
    key = tuple(model.__table__.primary_key.columns)

    def one_batch(now: datetime, batch: int) -> int:
        chosen = select(*key).where(older(now)).limit(batch).with_for_update(skip_locked=True)
        matches = key[0].in_(chosen) if len(key) == 1 else tuple_(*key).in_(chosen)
        return db.session.execute(delete(model).where(matches)).rowcount

    return one_batch


def _session_dead_before(now: datetime) -> ColumnElement:
    """Sessions revoked, or whose refresh token ran out, over RETENTION_SESSION_DAYS ago."""
    before = now - _days("RETENTION_SESSION_DAYS")
    lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    last_used = func.coalesce(AuthSession.refreshed_at, AuthSession.created_at)
    return or_(AuthSession.revoked_at < before, last_used < before - lifetime)


RULES = (
    Rule(
        "post contacts and exact spots",
        lambda now, batch: lifecycle.purge_ended(now - _days("RETENTION_POST_DAYS"), batch),
    ),
    Rule(
        "sms challenges",
        _deleting(
            SmsChallenge,
            lambda now: SmsChallenge.created_at < now - _days("RETENTION_SMS_CHALLENGE_DAYS"),
        ),
    ),
    Rule(
        "contact reveals",
        _deleting(
            ContactReveal,
            lambda now: ContactReveal.revealed_at < now - _days("RETENTION_REVEAL_DAYS"),
        ),
    ),
    Rule("sessions", _deleting(AuthSession, _session_dead_before)),
    Rule(
        "idempotency keys",
        _deleting(
            IdempotencyKey, lambda _now: IdempotencyKey.created_at <= oldest_idempotency_key_kept()
        ),
    ),
    Rule(
        "data exports",
        _deleting(
            DataExport, lambda now: DataExport.exported_at < now - _days("RETENTION_EXPORT_DAYS")
        ),
    ),
    Rule(
        "identity check attempts",
        _deleting(
            VerificationAttempt,
            lambda now: (
                VerificationAttempt.attempted_at
                < now - _days("RETENTION_VERIFICATION_ATTEMPT_DAYS")
            ),
        ),
    ),
    Rule(
        "wechat web states", _deleting(WeChatWebState, lambda now: WeChatWebState.expires_at < now)
    ),
)


def purge(batch: int = DEFAULT_BATCH, now: datetime | None = None) -> dict[str, int]:
    """Run every rule to the end, committing each batch; returns how many rows each touched."""
    now = now or datetime.now(UTC)
    counts = {}
    for rule in RULES:
        counts[rule.name] = 0
        while True:
            done = rule.one_batch(now, batch)
            db.session.commit()
            counts[rule.name] += done
            if done < batch:
                break
    return counts
