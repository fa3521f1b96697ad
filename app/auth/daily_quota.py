"""Per-user daily quotas counted in PostgreSQL (contact reveals, reports, data exports): a day
is China's calendar day, and the count is taken under a lock on the user's row, so that two
simultaneous requests cannot both pass the last unit."""

import math
from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.china_time import midnight_in_china, until_midnight_in_china
from app.errors import TryAgainLater
from app.extensions import db


def refuse_past_daily_quota(
    user_id: int,
    used_since: Callable[[datetime], int],
    setting: str,
    refusal: type[TryAgainLater],
) -> None:
    """Locks the user's row and raises refusal when used_since(today's midnight in China) has
    reached the config setting's limit; the lock lasts until the caller's commit.

    Args:
        used_since: how much of the quota the user spent since an instant.
        setting: the config key of the daily limit.
        refusal: raised with the seconds until midnight in China, and the limit.
    """
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
    now = datetime.now(UTC)
    limit = current_app.config[setting]
    if used_since(midnight_in_china(now)) >= limit:
        raise refusal(math.ceil(until_midnight_in_china(now).total_seconds()), limit=limit)
