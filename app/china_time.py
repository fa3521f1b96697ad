"""The calendar in China, which ages and providers' daily quotas are counted by.

China keeps UTC+8 all year (no daylight saving since 1991), so no time zone database is needed,
wherever the server's clock is set.
"""

from datetime import date, datetime, timedelta, timezone

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")


def today_in_china(now: datetime) -> date:
    """The calendar date in China at an aware instant."""
    return now.astimezone(CHINA_TIME).date()


def until_midnight_in_china(now: datetime) -> timedelta:
    """How long from an aware instant until the next day begins in China."""
    tomorrow = today_in_china(now) + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), CHINA_TIME) - now


def midnight_in_china(now: datetime) -> datetime:
    """When today began in China, at an aware instant: daily quotas count from here."""
    return datetime.combine(today_in_china(now), datetime.min.time(), CHINA_TIME)
