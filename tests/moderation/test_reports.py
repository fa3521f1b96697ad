"""Reports on others' posts: what is accepted, what is refused, and how many distinct people
it takes to take a post off the square until a moderator decides."""

import pytest

from app.moderation.models import REPORT_NOTE_MAX_LENGTH, REPORT_REASONS
from tests.factories import make_post
from tests.moderation.conftest import offer_body
from tests.moderation.intake_helpers import (
    POSTS,
    open_case,
    problem,
    read,
    report,
    reports_on,
    users,
)
from tests.posts.conftest import past_its_time


@pytest.fixture
def offer(poster, create):
    """An open offer on the square; returns (post_id, owner's headers)."""
    _, headers = poster("赵*")
    made = create(headers, offer_body())
    assert made.json["status"] == "open", made.get_json()
    return made.json["id"], headers


def on_the_square(client, post_id) -> bool:
    return post_id in {post["id"] for post in client.get(POSTS).json["posts"]}


@pytest.mark.parametrize("reason", REPORT_REASONS)
def test_each_reason_is_accepted_and_one_report_leaves_the_post_up(client, sign_in, offer, reason):
    post_id, _ = offer
    [reporter] = users(sign_in, 1)

    made = report(client, reporter, post_id, reason, "他在闲鱼上也挂了")

    assert made.status_code == 201, made.get_json()
    assert {key: made.json[key] for key in ("post_id", "reason", "note", "state")} == {
        "post_id": post_id,
        "reason": reason,
        "note": "他在闲鱼上也挂了",
        "state": "open",
    }
    assert [row.reason for row in reports_on(post_id)] == [reason]
    assert open_case(post_id).kind == (
        "resolved_report" if reason == "already_resolved" else "report"
    )
    assert on_the_square(client, post_id)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "spam"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"note": "卖药的"}, "reason"),
        ({"reason": "trading", "note": "长" * (REPORT_NOTE_MAX_LENGTH + 1)}, "note"),
        ({"reason": "trading", "note": 12}, "note"),
    ],
)
def test_a_bad_report_is_refused_naming_the_field_and_records_nothing(
    client, sign_in, offer, body, field
):
    post_id, _ = offer
    [reporter] = users(sign_in, 1)

    answer = client.post(f"{POSTS}/{post_id}/reports", json=body, headers=reporter)

    assert list(problem(answer, 422, "validation_failed")["errors"]) == [field]
    assert reports_on(post_id) == []
    assert open_case(post_id) is None


def test_a_note_of_the_longest_length_is_accepted(client, sign_in, offer):
    post_id, _ = offer
    [reporter] = users(sign_in, 1)

    made = report(client, reporter, post_id, note="长" * REPORT_NOTE_MAX_LENGTH)

    assert made.status_code == 201, made.get_json()


def test_reporting_needs_a_signed_in_user(client, offer):
    post_id, _ = offer

    problem(report(client, {}, post_id), 401, "unauthorized")
    assert reports_on(post_id) == []


def test_a_poster_cannot_report_their_own_post(client, offer):
    post_id, owner = offer

    problem(report(client, owner, post_id), 409, "own_post_report")
    assert reports_on(post_id) == []


def test_a_second_open_report_by_the_same_user_is_refused(client, sign_in, offer):
    post_id, _ = offer
    [reporter] = users(sign_in, 1)
    assert report(client, reporter, post_id, "trading").status_code == 201

    for reason in ("trading", "fake", "already_resolved"):
        refused = problem(report(client, reporter, post_id, reason), 409, "report_exists")
        assert refused["title"] == "已经举报过"
    english = {**reporter, "Accept-Language": "en"}
    assert problem(report(client, english, post_id), 409, "report_exists")["title"] == (
        "Already reported"
    )
    assert [row.reason for row in reports_on(post_id)] == ["trading"]


@pytest.mark.parametrize(
    ("status", "answer", "code"),
    [
        ("resolved", 409, "post_not_open"),
        ("expired", 409, "post_not_open"),
        ("held", 404, "post_not_found"),
        ("hidden", 404, "post_not_found"),
        ("removed", 404, "post_not_found"),
        ("withdrawn", 404, "post_not_found"),
        ("deleted", 404, "post_not_found"),
    ],
)
def test_a_post_not_on_the_square_cannot_be_reported(
    client, sign_in, db_session, status, answer, code
):
    owner, _ = sign_in()
    made = past_its_time if status == "expired" else make_post
    post = made(owner, status=status)
    db_session.commit()
    [reporter] = users(sign_in, 1)

    problem(report(client, reporter, post.id), answer, code)
    assert reports_on(post.id) == []


def test_a_post_past_its_time_but_not_yet_swept_cannot_be_reported(client, sign_in, db_session):
    owner, _ = sign_in()
    post = past_its_time(owner, status="open")
    db_session.commit()
    [reporter] = users(sign_in, 1)

    problem(report(client, reporter, post.id), 409, "post_not_open")


def test_no_such_post_cannot_be_reported(client, sign_in):
    [reporter] = users(sign_in, 1)

    problem(report(client, reporter, 987654321), 404, "post_not_found")


@pytest.mark.parametrize("threshold", (None, 2, 4), ids=("configured", "two", "four"))
def test_the_nth_distinct_reporter_takes_the_post_off_the_square(
    app, client, sign_in, offer, monkeypatch, threshold
):
    if threshold is not None:
        monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", threshold)
    needed = app.config["REPORTS_TO_HOLD"]
    post_id, owner = offer
    reporters = users(sign_in, needed)
    reasons = ["trading", "fake", "privacy_leak", "abusive", "other"]

    for index, reporter in enumerate(reporters[:-1]):
        assert report(client, reporter, post_id, reasons[index % 5]).status_code == 201
    assert read(client, post_id).status_code == 200
    assert on_the_square(client, post_id)
    # Reports that hold nothing tell the owner nothing: no one learns they were reported.
    assert read(client, post_id, owner).json["moderation"]["under_review"] is False

    assert report(client, reporters[-1], post_id, "trading").status_code == 201
    assert read(client, post_id, owner).json["moderation"]["under_review"] is True

    problem(read(client, post_id), 404, "post_not_found")
    assert not on_the_square(client, post_id)
    assert read(client, post_id, owner).json["status"] == "held"
    case = open_case(post_id)
    assert (case.kind, len(case.reports)) == ("report", needed)


def test_already_resolved_reports_do_not_hold_the_post_and_open_a_resolved_report_item(
    app, client, sign_in, offer
):
    post_id, _ = offer
    needed = app.config["REPORTS_TO_HOLD"]

    for reporter in users(sign_in, needed + 1):
        assert report(client, reporter, post_id, "already_resolved").status_code == 201

    assert on_the_square(client, post_id)
    case = open_case(post_id)
    assert (case.kind, len(case.reports)) == ("resolved_report", needed + 1)


def test_already_resolved_reports_do_not_make_up_the_number_to_hold(
    app, client, sign_in, offer, monkeypatch
):
    monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", 2)
    post_id, _ = offer
    first, second, third = users(sign_in, 3)
    report(client, first, post_id, "already_resolved")

    assert report(client, second, post_id, "fake").status_code == 201

    # One person saw a problem; the other says it is over. Not yet two about a problem.
    assert on_the_square(client, post_id)
    case = open_case(post_id)
    assert case.kind == "report"

    report(client, third, post_id, "trading")

    assert not on_the_square(client, post_id)


def test_one_user_refused_a_second_report_does_not_count_twice(
    app, client, sign_in, offer, monkeypatch
):
    monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", 2)
    post_id, _ = offer
    [reporter] = users(sign_in, 1)

    report(client, reporter, post_id, "trading")
    report(client, reporter, post_id, "fake")

    assert on_the_square(client, post_id)
    assert len(reports_on(post_id)) == 1


def test_after_a_decision_the_user_may_report_again_and_old_reports_no_longer_count(
    app, client, sign_in, offer, moderator, monkeypatch
):
    monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", 2)
    post_id, _ = offer
    first, second = users(sign_in, 2)
    report(client, first, post_id, "trading")
    decided = moderator.claim_and_decide(open_case(post_id).id, "dismiss_reports")
    assert decided.status_code == 200, decided.get_json()
    assert [row.state for row in reports_on(post_id)] == ["dismissed"]

    again = report(client, first, post_id, "trading")

    assert again.status_code == 201, again.get_json()
    # The dismissed report and the new one are one person: still one short of two.
    assert on_the_square(client, post_id)
    new_case = open_case(post_id)
    assert new_case.id != decided.json["id"]

    report(client, second, post_id, "fake")

    assert not on_the_square(client, post_id)


def test_each_report_bumps_the_version_of_the_case_it_joins(client, sign_in, offer):
    post_id, _ = offer
    first, second = users(sign_in, 2)
    report(client, first, post_id, "trading")
    case = open_case(post_id)
    case_id, version = case.id, case.version

    report(client, second, post_id, "fake")

    case = open_case(post_id)
    assert case.id == case_id
    assert case.version > version


def test_each_report_and_the_hold_they_caused_are_in_the_items_audit_trail(
    app, client, sign_in, offer, moderator, monkeypatch
):
    monkeypatch.setitem(app.config, "REPORTS_TO_HOLD", 2)
    post_id, _ = offer
    for reporter in users(sign_in, 2):
        report(client, reporter, post_id, "fake", "假的")

    trail = moderator.get(f"/cases/{open_case(post_id).id}/audit").json

    assert [(entry["action"], entry["actor_kind"]) for entry in trail] == [
        ("report", "user"),
        ("report", "user"),
        ("hold.reports", "system"),
    ]
    assert trail[0]["after"] == {"reason": "fake"}
    assert (trail[2]["before"], trail[2]["after"]) == (
        {"post_status": "open"},
        {"post_status": "held"},
    )
    assert all(entry["post_id"] == post_id for entry in trail)
