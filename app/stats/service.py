"""The figures of GET /api/v1/stats, /api/v1/partners/me/stats and the statistics pages.

Every count is read from the latest snapshot at the cut it is shown at (area x day x kind, or
a child area's, a medicine's, a channel's) and published there (app.stats.publish); totals, top
lists and shares are made of published figures only.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, exists, func, select, tuple_

from app.areas.models import District
from app.areas.service import DistrictArea, district_names
from app.catalog.models import CatalogEdition, Medicine
from app.errors import DomainError, FieldsInvalid
from app.extensions import db
from app.i18n import negotiate_locale
from app.partners.models import Partner
from app.posts.models import POST_KINDS
from app.stats.models import StatsCell, StatsMedicineCell, StatsSnapshot
from app.stats.publish import published, published_sums, shown
from app.stats.snapshot import latest_snapshot
from geo.districts import COUNTY, PREFECTURE, PROVINCE

DIRECT = "direct"
MINUTES_AN_HOUR = 60
OUTSIDE_SNAPSHOT = "Only days from {first} to {last} are counted."
TO_BEFORE_FROM = "Must not be before from."
RANGE_TOO_LONG = "At most {days} days at once."
LEVEL_NAMES = {PROVINCE: "province", PREFECTURE: "city", COUNTY: "district"}


class StatsNotReady(DomainError):
    """No snapshot has been taken yet."""

    code = "stats_not_ready"


@dataclass(frozen=True)
class Channel:
    """One channel: a partner's, or direct (partner_id None)."""

    partner_id: int | None


@dataclass(frozen=True)
class StatsQuery:
    """What a reader asked for. Dates are days in China; None: the default range."""

    district: DistrictArea | None = None
    first: date | None = None
    last: date | None = None
    # None: every channel together.
    channel: Channel | None = None
    channels_apart: bool = False


@dataclass
class _Cut:
    """The filters of one query, and the thresholds figures are published with."""

    filters: list[ColumnElement]
    medicine_filters: list[ColumnElement]
    below: int
    step: int
    days: list[date] = field(default_factory=list)


def figures(query: StatsQuery) -> dict:
    """Everything StatsSchema shows for query, from the latest snapshot.

    Raises:
        StatsNotReady: no snapshot yet.
        FieldsInvalid: the range reaches outside the snapshot, ends before it starts, or is
            longer than STATS_DAYS.
    """
    snapshot = latest_snapshot()
    if snapshot is None:
        raise StatsNotReady
    first, last = _range(query, snapshot)
    cut = _cut(query, snapshot, first, last)
    by_day, totals, resolved = _series(cut)
    posted = sum(totals.values())
    answer = {
        "as_of": snapshot.as_of,
        "taken_at": snapshot.taken_at,
        "from": first,
        "to": last,
        "suppressed_below": cut.below,
        "rounded_to": cut.step,
        "district": _district(query.district),
        "days": [
            {
                "date": day,
                **{kind: shown(by_day.get((day, kind)), cut.below) for kind in POST_KINDS},
            }
            for day in cut.days
        ],
        "totals": {
            **{kind: shown(totals.get(kind), cut.below) for kind in POST_KINDS},
            "resolved": shown(resolved, cut.below),
        },
        # Only of published figures: a share of "<10" resolved posts would read as 0%.
        "resolved_share": round(resolved / posted, 2) if posted and resolved else None,
        "median_hours_to_resolution": _median_hours(cut),
        "top_areas": _top_areas(query.district, cut),
        "top_medicines": _top_medicines(cut),
    }
    if query.channels_apart:
        answer["channels"] = _channels(cut)
    return answer


def channel_of(code: str) -> Channel:
    """The channel a code names: "direct", or a partner's code.

    Raises:
        FieldsInvalid: no partner has the code.
    """
    if code == DIRECT:
        return Channel(None)
    partner_id = db.session.scalar(select(Partner.id).where(Partner.code == code))
    if partner_id is None:
        raise FieldsInvalid(errors={"channel": [f"Must be one of: {DIRECT}, a partner's code."]})
    return Channel(partner_id)


def _range(query: StatsQuery, snapshot: StatsSnapshot) -> tuple[date, date]:
    config = current_app.config
    last = query.last or snapshot.as_of
    first = query.first or max(
        snapshot.first_day, last - timedelta(days=config["STATS_DEFAULT_DAYS"] - 1)
    )
    errors = {}
    for name, day in (("from", first), ("to", last)):
        if not snapshot.first_day <= day <= snapshot.as_of:
            errors[name] = [OUTSIDE_SNAPSHOT.format(first=snapshot.first_day, last=snapshot.as_of)]
    if last < first:
        errors.setdefault("to", []).append(TO_BEFORE_FROM)
    elif (last - first).days >= config["STATS_DAYS"]:
        errors.setdefault("to", []).append(RANGE_TOO_LONG.format(days=config["STATS_DAYS"]))
    if errors:
        raise FieldsInvalid(errors=errors)
    return first, last


def _cut(query: StatsQuery, snapshot: StatsSnapshot, first: date, last: date) -> _Cut:
    def filters_of(model) -> list[ColumnElement]:
        conditions = [model.snapshot_id == snapshot.id, model.day.between(first, last)]
        if query.district is not None:
            column = _area_column(model, query.district.level)
            conditions.append(column == query.district.code)
        if query.channel is not None:
            partner_id = query.channel.partner_id
            conditions.append(
                model.partner_id.is_(None) if partner_id is None else model.partner_id == partner_id
            )
        return conditions

    return _Cut(
        filters=filters_of(StatsCell),
        medicine_filters=filters_of(StatsMedicineCell),
        below=current_app.config["STATS_SUPPRESS_BELOW"],
        step=current_app.config["STATS_ROUND_TO"],
        days=[first + timedelta(days=offset) for offset in range((last - first).days + 1)],
    )


def _area_column(model, level: int):
    return {
        PROVINCE: model.province_code,
        PREFECTURE: model.city_code,
        COUNTY: model.area_code,
    }[level]


def _series(cut: _Cut) -> tuple[dict, dict, int]:
    """Posts by (day, kind), their totals by kind, and resolved posts, all published per
    area x day x kind."""
    rows = db.session.execute(
        select(
            StatsCell.day,
            StatsCell.kind,
            func.sum(StatsCell.posts),
            func.sum(StatsCell.resolved),
        )
        .where(*cut.filters)
        .group_by(StatsCell.day, StatsCell.kind)
    ).all()
    by_day = published_sums(
        (((day, kind), posts) for day, kind, posts, _ in rows), cut.below, cut.step
    )
    totals: dict[str, int] = defaultdict(int)
    for (_day, kind), value in by_day.items():
        totals[kind] += value
    resolved = sum(
        published(count, cut.below, cut.step) or 0 for _day, _kind, _posts, count in rows
    )
    return by_day, dict(totals), resolved


def _median_hours(cut: _Cut) -> float | None:
    """The median time to resolution over the cells whose resolved count is published."""
    shown_cells = (
        select(StatsCell.day, StatsCell.kind)
        .where(*cut.filters)
        .group_by(StatsCell.day, StatsCell.kind)
        .having(func.sum(StatsCell.resolved) >= cut.below)
    )
    minutes = (
        select(func.unnest(StatsCell.resolution_minutes).label("minutes"))
        .where(*cut.filters, tuple_(StatsCell.day, StatsCell.kind).in_(shown_cells))
        .subquery()
    )
    median = db.session.scalar(select(func.percentile_disc(0.5).within_group(minutes.c.minutes)))
    return None if median is None else round(median / MINUTES_AN_HOUR, 1)


def _top_areas(district: DistrictArea | None, cut: _Cut) -> dict:
    """The busiest parts of the area: cities of the country or a province, districts of a city
    or a municipality; none below a district."""
    if district is None:
        level = PREFECTURE
    elif district.level == PROVINCE and not _has_prefectures(district.code):
        level = COUNTY
    elif district.level in (PROVINCE, PREFECTURE):
        level = district.level + 1
    else:
        return {"level": None, **{kind: [] for kind in POST_KINDS}}
    column = _area_column(StatsCell, level)
    sums = _kind_sums(StatsCell, column, cut.filters, cut)
    names = district_names({code for code, _kind in sums if code is not None})
    return {
        "level": LEVEL_NAMES[level],
        **{
            kind: [
                {"code": code, "name": names.get(code), "posts": posts}
                for code, posts in _top(sums, kind, cut)
                if code is not None
            ]
            for kind in POST_KINDS
        },
    }


def _top_medicines(cut: _Cut) -> dict:
    sums = _kind_sums(StatsMedicineCell, StatsMedicineCell.medicine_code, cut.medicine_filters, cut)
    names = _medicine_names({code for code, _kind in sums})
    return {
        kind: [
            {"code": code, "name": names.get(code, code), "posts": posts}
            for code, posts in _top(sums, kind, cut)
        ]
        for kind in POST_KINDS
    }


def _channels(cut: _Cut) -> list[dict]:
    sums = _kind_sums(StatsCell, StatsCell.partner_id, cut.filters, cut)
    partner_ids = {partner_id for partner_id, _kind in sums if partner_id is not None}
    partners = (
        dict(
            db.session.execute(
                select(Partner.id, Partner.code).where(Partner.id.in_(partner_ids))
            ).all()
        )
        if partner_ids
        else {}
    )
    channels = [
        {
            "channel": DIRECT if partner_id is None else partners[partner_id],
            **{kind: shown(sums.get((partner_id, kind)), cut.below) for kind in POST_KINDS},
        }
        for partner_id in sorted({partner_id for partner_id, _ in sums}, key=lambda p: p or 0)
    ]
    return [
        channel
        for channel in channels
        if any(isinstance(channel[kind], int) for kind in POST_KINDS)
    ]


def _kind_sums(model, column, filters, cut: _Cut) -> dict[tuple, int]:
    """Published sums by (column's value, kind), each count published per value x day x kind."""
    rows = db.session.execute(
        select(column, model.day, model.kind, func.sum(model.posts))
        .where(*filters)
        .group_by(column, model.day, model.kind)
    ).all()
    return published_sums(
        (((value, kind), posts) for value, _day, kind, posts in rows), cut.below, cut.step
    )


def _top(sums: dict[tuple, int], kind: str, cut: _Cut) -> list[tuple]:
    """The largest published sums of one kind, never one under the threshold."""
    ranked = sorted(
        ((value, posts) for (value, of_kind), posts in sums.items() if of_kind == kind),
        key=lambda item: (-item[1], str(item[0])),
    )
    return [(value, posts) for value, posts in ranked if posts >= cut.below][
        : current_app.config["STATS_TOP"]
    ]


def _has_prefectures(code: str) -> bool:
    return db.session.scalar(
        select(exists().where(District.parent_code == code, District.level == PREFECTURE))
    )


def _district(district: DistrictArea | None) -> dict | None:
    if district is None:
        return None
    return {"code": district.code, "name": district.name_zh, "level": LEVEL_NAMES[district.level]}


def _medicine_names(codes: set[str]) -> dict[str, str]:
    """Names in the reader's language, from the newest edition that has each code."""
    if not codes:
        return {}
    name = Medicine.name_zh if negotiate_locale() == "zh" else Medicine.name_en
    rows = db.session.execute(
        select(Medicine.code, name)
        .join(CatalogEdition, CatalogEdition.id == Medicine.edition_id)
        .where(Medicine.code.in_(sorted(codes)))
        .order_by(Medicine.code, CatalogEdition.id)
    )
    return dict(rows.all())
