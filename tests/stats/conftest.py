"""Posts on chosen days (in China) and places, and the snapshot taken over them."""

from datetime import UTC, datetime, time, timedelta

import pytest

from app.china_time import CHINA_TIME, today_in_china
from app.stats.snapshot import take_snapshot
from geo.points import LonLat
from tests.factories import make_post
from tests.partners.conftest import issue, partner  # noqa: F401
from tests.staff.conftest import staff  # noqa: F401

# The suite's one "now": its tests' snapshots are taken at it, so a run that crosses midnight in
# China (16:00 UTC) counts the same days in every test as at their collection.
NOW = datetime.now(UTC)
# Yesterday in China: the last day a snapshot taken at NOW counts.
AS_OF = today_in_china(NOW) - timedelta(days=1)
NANSHAN = ("440305", LonLat(113.9305, 22.5333))
FUTIAN = ("440304", LonLat(114.0550, 22.5410))
CHAOYANG = ("110105", LonLat(116.4435, 39.9219))
HUANGPU = ("310101", LonLat(121.4737, 31.2304))


def noon(day) -> datetime:
    return datetime.combine(day, time(12), CHINA_TIME)


@pytest.fixture
def posts(sign_in, catalog):
    """make(count, day, place, ...): that many posts, each by a different person."""

    def make(count: int, day=AS_OF, place=NANSHAN, **kwargs):
        area_code, point = place
        made = []
        for _ in range(count):
            user, _ = sign_in()
            made.append(
                make_post(user, at=point, area_code=area_code, created_at=noon(day), **kwargs)
            )
        return made

    return make


@pytest.fixture
def snapshot(db_session):
    """take(now=NOW): the snapshot of the days up to the day before now (in China)."""
    return lambda now=None: take_snapshot(now or NOW)
