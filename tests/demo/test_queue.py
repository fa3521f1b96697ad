"""`make run`'s demo moderator and demo queue: made once, through the real services."""

import re

import pytest
from sqlalchemy import func, select

from app.demo.queue import DemoRefused, demo_moderator, seed_demo_queue
from app.demo.seed import seed_demo_posts
from app.moderation import queue
from app.moderation.models import CASE_KINDS, ModerationCase, Report
from tests.staff.conftest import HOME, current_code, enter_code, enter_password


@pytest.fixture
def run(app, db_session):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["medshare", *args])


def sign_in(client, credentials):
    """Both steps, with the demo's own password."""
    entered = enter_password(client, credentials.username, credentials.password)
    assert entered.status_code == 302
    return enter_code(client, current_code(credentials.totp_secret))


def printed(output: str, label: str) -> str:
    return re.search(rf"^\s*{label}:\s+(\S+)", output, re.MULTILINE).group(1)


def test_seed_demo_fills_the_queue_with_each_kind_once(catalog):
    seed_demo_posts(1000, seed=5)
    opened = seed_demo_queue(seed=5)
    counts = queue.queue_counts()
    assert opened == counts["total"] > 0
    assert all(counts[kind] >= 1 for kind in CASE_KINDS), counts
    assert seed_demo_queue(seed=5) == 0
    assert queue.queue_counts() == counts


def test_the_demo_queue_holds_screened_and_much_reported_posts_and_keeps_an_appeal(app, catalog):
    seed_demo_posts(1000, seed=5)
    seed_demo_queue(seed=5)
    cases = list(catalog.scalars(select(ModerationCase)))
    screened = [case for case in cases if case.kind == "screening" and case.state == "open"]
    assert screened and all(case.post.status == "held" and case.rule_hits for case in screened)
    most_reporters = max(
        catalog.scalar(
            select(func.count(Report.reporter_id.distinct())).where(Report.case_id == case.id)
        )
        for case in cases
        if case.kind == "report"
    )
    assert most_reporters >= app.config["REPORTS_TO_HOLD"]
    assert any(case.kind == "report" and case.post.status == "held" for case in cases)
    assert any(case.kind == "report" and case.post.status == "open" for case in cases)
    decided = [case for case in cases if case.state == "closed"]
    assert [case.decision for case in decided] == ["hide"]
    appeal = next(case for case in cases if case.kind == "appeal")
    assert appeal.post_id == decided[0].post_id and appeal.appeal_note


def test_the_demo_moderator_is_made_once_and_can_sign_in(app, client):
    first = demo_moderator()
    again = demo_moderator()
    assert again == first
    assert first.username == app.config["DEMO_MODERATOR_USERNAME"]
    assert first.password == app.config["DEMO_MODERATOR_PASSWORD"] and first.role == "moderator"
    signed_in = sign_in(client, first)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == HOME


def test_the_demo_moderator_command_prints_name_password_and_totp_secret(run, client):
    result = run("demo-moderator")
    assert result.exit_code == 0, result.output
    again = run("demo-moderator")
    assert printed(again.output, "TOTP secret") == printed(result.output, "TOTP secret")
    credentials = demo_moderator()
    assert printed(result.output, "sign-in name") == credentials.username
    assert credentials.password in result.output
    assert sign_in(client, credentials).status_code == 302


def test_no_demo_moderator_or_queue_in_production(app, run, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    with pytest.raises(DemoRefused):
        demo_moderator()
    with pytest.raises(DemoRefused):
        seed_demo_queue(seed=1)
    refused = run("demo-moderator")
    assert refused.exit_code != 0 and "development only" in refused.output
    assert db_session.scalar(select(func.count()).select_from(ModerationCase)) == 0
