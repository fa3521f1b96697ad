"""Who a report can hold a post for, and how many reports one account may file a day.

Fresh accounts cost nothing to make: their reports reach the moderators, but only reports by
real-name-verified people take a post off the square.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.china_time import midnight_in_china
from app.moderation.models import Report
from tests.moderation.conftest import offer_body
from tests.moderation.intake_helpers import open_case, problem, read, report, users

# Every level below the one that holds, and none at all.
UNVERIFIED = {"no level": (), "phone only": ("phone",)}


@pytest.fixture
def offers(poster, create):
    """Open offers on the square, each by a poster of its own (a poster has few open posts);
    returns a function making the next one."""

    def offer() -> int:
        made = create(poster("赵*")[1], offer_body())
        assert made.json["status"] == "open", made.get_json()
        return made.json["id"]

    return offer


@pytest.mark.parametrize("levels", UNVERIFIED.values(), ids=UNVERIFIED.keys())
def test_unverified_reports_are_recorded_for_moderators_but_never_hold(
    app, client, sign_in, offers, levels
):
    post_id = offers()
    many = app.config["REPORTS_TO_HOLD"] * 2
    for reporter in users(sign_in, many, "新账号", levels=levels):
        assert report(client, reporter, post_id, "trading").status_code == 201
    assert read(client, post_id).status_code == 200
    case = open_case(post_id)
    assert (case.kind, len(case.reports)) == ("report", many)
    assert case.post.status == "open"


def test_verified_reports_hold_and_unverified_ones_do_not_make_up_the_number(
    app, client, sign_in, offers, monkeypatch
):
    monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", 3)
    post_id = offers()
    for reporter in users(sign_in, 5, "新账号", levels=()) + users(sign_in, 2, "实名"):
        assert report(client, reporter, post_id, "fake").status_code == 201
    assert read(client, post_id).status_code == 200
    [third] = users(sign_in, 1, "实名三")
    assert report(client, third, post_id, "fake").status_code == 201
    problem(read(client, post_id), 404, "post_not_found")


def test_the_holding_level_follows_its_setting(app, client, sign_in, offers, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_HOLD_VERIFICATION_LEVEL", "phone")
    monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", 2)
    post_id = offers()
    for reporter in users(sign_in, 2, "手机", levels=("phone",)):
        assert report(client, reporter, post_id, "trading").status_code == 201
    problem(read(client, post_id), 404, "post_not_found")


@pytest.mark.parametrize("limit", (1, 3))
def test_past_the_daily_report_limit_the_answer_is_429_until_midnight_in_china(
    app, client, sign_in, offers, monkeypatch, limit
):
    monkeypatch.setitem(app.config, "REPORTS_PER_DAY", limit)
    monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", limit + 5)
    [reporter] = users(sign_in, 1, levels=())
    for _ in range(limit):
        assert report(client, reporter, offers(), "other").status_code == 201
    refused = report(client, reporter, offers(), "other", note="再举报一次")
    problem(refused, 429, "report_limit")
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 24 * 3600
    english = client.post(
        f"/api/v1/posts/{offers()}/reports",
        json={"reason": "other", "note": ""},
        headers={**reporter, "Accept-Language": "en"},
    )
    assert str(limit) in english.json["detail"] and "reports a day" in english.json["detail"]
    assert len(english.json["title"]) > 0 and english.json["title"] != refused.json["title"]


def test_reports_filed_before_midnight_in_china_do_not_count_today(
    app, client, sign_in, offers, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "REPORTS_PER_DAY", 2)
    [reporter] = users(sign_in, 1)
    for _ in range(2):
        assert report(client, reporter, offers(), "other").status_code == 201
    problem(report(client, reporter, offers(), "other"), 429, "report_limit")
    yesterday = midnight_in_china(datetime.now(UTC)) - timedelta(seconds=1)
    db_session.execute(update(Report).values(created_at=yesterday))
    db_session.commit()
    assert report(client, reporter, offers(), "other").status_code == 201
