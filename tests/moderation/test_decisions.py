"""Every decision: what it does to the post, its reports and its poster, what the owner and the
public then see, and the audit entry it leaves."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.moderation.models import Report
from app.moderation.outcome import outcome, outcome_column
from app.posts.models import Post
from tests.moderation.conftest import offer_body
from tests.moderation.items import (
    CLEAN_NOTE,
    POSTS,
    SALE_NOTE,
    audit_entries,
    case_of,
    square_notes,
)

REASON = "核实后处理"
# CLEAN_NOTE with its last two characters hidden by a moderator.
HAND_MASKED = CLEAN_NOTE[:-2] + "**"


@dataclass(frozen=True)
class Effect:
    post_status: str
    reports: str
    can_appeal: bool
    public_status: int


EFFECTS = {
    "approve": Effect("open", "dismissed", can_appeal=False, public_status=200),
    "dismiss_reports": Effect("open", "dismissed", can_appeal=False, public_status=200),
    "hide": Effect("hidden", "upheld", can_appeal=True, public_status=404),
    "remove": Effect("removed", "upheld", can_appeal=True, public_status=404),
    "warn": Effect("hidden", "upheld", can_appeal=True, public_status=404),
    "mark_resolved": Effect("resolved", "upheld", can_appeal=True, public_status=200),
    "edit_masking": Effect("open", "upheld", can_appeal=True, public_status=200),
}


@pytest.fixture
def held_by_reports(app, reported):
    """A post that enough different people reported to take it off the square."""
    post, headers = reported(reporters=app.config["REPORTS_TO_HOLD"])
    case = case_of(post["id"])
    assert case.post.status == "held"
    return post, headers, case.id


def decide(moderator, case_id: int, decision: str):
    more = {"public_note": HAND_MASKED} if decision == "edit_masking" else {}
    answer = moderator.claim_and_decide(case_id, decision, reason=REASON, **more)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.mark.parametrize("decision", sorted(EFFECTS))
def test_a_decision_changes_post_and_reports_and_tells_the_owner(
    client, moderator, held_by_reports, decision
):
    post, headers, case_id = held_by_reports
    effect = EFFECTS[decision]
    decided = decide(moderator, case_id, decision)
    assert decided["state"] == "closed" and decided["decision"] == decision

    reports = db.session.query(Report).filter_by(case_id=case_id).all()
    assert reports and {one.state for one in reports} == {effect.reports}

    mine = client.get(f"{POSTS}/{post['id']}", headers=headers).get_json()
    assert mine["status"] == effect.post_status
    assert mine["note"] == CLEAN_NOTE
    assert mine["moderation"] == {
        "under_review": False,
        "decision": decision,
        "reason": REASON,
        "decided_at": decided["closed_at"],
        "appealed": False,
        "can_appeal": effect.can_appeal,
        "public_note": HAND_MASKED if decision == "edit_masking" else CLEAN_NOTE,
    }

    public = client.get(f"{POSTS}/{post['id']}")
    assert public.status_code == effect.public_status
    assert (post["id"] in square_notes(client)) == (effect.post_status == "open")
    if public.status_code == 200:
        assert public.get_json()["status"] == effect.post_status
        assert "moderation" not in public.get_json()


@pytest.mark.parametrize("decision", sorted(EFFECTS))
def test_a_decision_is_audited_with_who_why_and_the_state_before_and_after(
    moderator, held_by_reports, decision
):
    post, _headers, case_id = held_by_reports
    decide(moderator, case_id, decision)
    entries = audit_entries(case_id, f"decide.{decision}")
    assert len(entries) == 1
    entry = entries[0]
    report_ids = {str(one.id) for one in case_of(post["id"]).reports}
    assert (entry.actor_kind, entry.staff.username, entry.post_id) == (
        "staff",
        "mod.zhao",
        post["id"],
    )
    assert entry.reason == REASON
    assert entry.before == {
        "case_state": "open",
        "post_status": "held",
        "public_note": None,
        "poster_status": "active",
        "reports": dict.fromkeys(report_ids, "open"),
    }
    effect = EFFECTS[decision]
    assert entry.after == {
        "case_state": "closed",
        "post_status": effect.post_status,
        "public_note": HAND_MASKED if decision == "edit_masking" else None,
        "poster_status": "active",
        "reports": dict.fromkeys(report_ids, effect.reports),
    }


def test_edit_masking_shows_everyone_but_the_owner_the_moderators_masking(
    client, moderator, held_by_reports
):
    post, headers, case_id = held_by_reports
    decide(moderator, case_id, "edit_masking")
    assert client.get(f"{POSTS}/{post['id']}").get_json()["note"] == HAND_MASKED
    assert square_notes(client)[post["id"]] == HAND_MASKED
    assert client.get(f"{POSTS}/{post['id']}", headers=headers).get_json()["note"] == CLEAN_NOTE


def test_approve_puts_a_screened_post_on_the_square(client, moderator, held):
    post, _headers = held()
    assert client.get(f"{POSTS}/{post['id']}").status_code == 404
    decide(moderator, case_of(post["id"]).id, "approve")
    public = client.get(f"{POSTS}/{post['id']}")
    assert public.status_code == 200 and public.get_json()["status"] == "open"


def test_mark_resolved_records_when_the_post_was_resolved(client, moderator, reported):
    post, headers = reported(reason="already_resolved")
    decide(moderator, case_of(post["id"]).id, "mark_resolved")
    mine = client.get(f"{POSTS}/{post['id']}", headers=headers).get_json()
    assert mine["status"] == "resolved" and mine["resolved_at"] is not None


@pytest.mark.parametrize(("decision", "warnings"), [("warn", 1), ("hide", 0)])
def test_a_warning_counts_against_the_poster_in_their_history_and_a_hide_does_not(
    create, report, moderator, held_by_reports, decision, warnings
):
    _post, headers, case_id = held_by_reports
    decide(moderator, case_id, decision)
    later = create(headers, offer_body(note=CLEAN_NOTE)).get_json()
    assert report(later["id"]).status_code == 201
    review = moderator.get(f"/cases/{case_of(later['id']).id}").get_json()
    assert review["history"]["warnings"] == warnings
    assert [past["decision"] for past in review["history"]["decisions"]] == [decision]


def test_ban_bars_the_account_stops_its_tokens_and_removes_its_posts(
    client, create, moderator, held_by_reports
):
    post, headers, case_id = held_by_reports
    other = create(headers, offer_body(note=CLEAN_NOTE)).get_json()
    decide(moderator, case_id, "ban")

    poster = db.session.get(Post, post["id"]).user
    assert poster.status == "banned"
    refused = client.get(f"{POSTS}/{post['id']}", headers=headers)
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "account_unavailable"
    for post_id in (post["id"], other["id"]):
        assert db.session.get(Post, post_id).status == "removed"
        assert client.get(f"{POSTS}/{post_id}").status_code == 404
    assert {one.state for one in case_of(post["id"]).reports} == {"upheld"}

    shown = outcome(
        db.session.scalar(select(outcome_column(Post.id)).where(Post.id == post["id"])),
        "removed",
        "",
    )
    assert (shown["decision"], shown["can_appeal"]) == ("ban", False)
    entry = audit_entries(case_id, "decide.ban")[0]
    assert (entry.staff.username, entry.reason) == ("mod.zhao", REASON)
    assert entry.before["poster_status"] == "active" and entry.before["post_status"] == "held"
    assert entry.after["poster_status"] == "banned" and entry.after["post_status"] == "removed"


@pytest.mark.parametrize("decision", ["approve", "edit_masking"])
def test_no_later_decision_puts_a_banned_posters_post_back_on_the_square(
    client, create, moderator, held_by_reports, decision
):
    _post, headers, case_id = held_by_reports
    screened = create(headers, offer_body(note=SALE_NOTE)).get_json()
    assert screened["status"] == "held"
    decide(moderator, case_id, "ban")
    other_case = case_of(screened["id"])
    assert other_case.state == "open" and other_case.post.status == "removed"

    more = {"public_note": "*" * len(SALE_NOTE)} if decision == "edit_masking" else {}
    refused = moderator.claim_and_decide(other_case.id, decision, **more)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["code"] == "decision_not_applicable"
    db.session.rollback()
    assert db.session.get(Post, screened["id"]).status == "removed"
    assert client.get(f"{POSTS}/{screened['id']}").status_code == 404


def test_approving_an_appeal_of_a_banned_poster_leaves_their_resolved_post_down(
    client, create, report, moderator, held_by_reports
):
    _post, headers, case_id = held_by_reports
    resolved = create(headers, offer_body(note=CLEAN_NOTE)).get_json()
    assert report(resolved["id"], "already_resolved").status_code == 201
    decide(moderator, case_of(resolved["id"]).id, "mark_resolved")
    appealed = client.post(
        f"{POSTS}/{resolved['id']}/appeal", json={"note": "还没送出去"}, headers=headers
    )
    assert appealed.status_code == 201, appealed.get_json()
    decide(moderator, case_id, "ban")

    refused = moderator.claim_and_decide(case_of(resolved["id"]).id, "approve", reason=REASON)
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "decision_not_applicable"
    db.session.rollback()
    assert db.session.get(Post, resolved["id"]).status == "resolved"
