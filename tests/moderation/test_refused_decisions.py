"""Decisions that must change nothing: stale, on a closed item, without a reason, unknown, or
a masking that rewrites the note."""

import pytest

from app.extensions import db
from tests.moderation.items import CLEAN_NOTE, POSTS, SALE_NOTE, audit_entries, case_of


def assert_undecided(post_id: int, post_status: str, report_state: str | None = "open") -> None:
    """Nothing of a refused decision stayed: the item is open, post and reports as they were."""
    # A refused request leaves its work uncommitted; the app's teardown would drop it.
    db.session.rollback()
    case = case_of(post_id)
    assert case.state == "open" and case.decision is None
    assert case.post.status == post_status
    assert case.post.hand_masked_note is None
    if report_state is not None:
        assert {one.state for one in case.reports} == {report_state}
    assert [entry for entry in audit_entries(case.id) if entry.action.startswith("decide.")] == []


def test_a_decision_made_before_a_new_report_is_stale_and_changes_nothing(
    moderator, reported, report
):
    post, _ = reported()
    case_id = case_of(post["id"]).id
    seen = moderator.claim(case_id).get_json()["version"]
    assert report(post["id"]).status_code == 201
    stale = moderator.decide(case_id, "hide", seen)
    assert stale.status_code == 409
    assert stale.get_json()["code"] == "stale_version"
    assert_undecided(post["id"], "open")
    current = moderator.get(f"/cases/{case_id}").get_json()["case"]["version"]
    assert current > seen
    assert moderator.decide(case_id, "hide", current).status_code == 200


def test_a_decision_made_before_the_owner_edited_the_note_is_stale_and_changes_nothing(
    client, moderator, held
):
    post, headers = held()
    case_id = case_of(post["id"]).id
    seen = moderator.claim(case_id).get_json()["version"]
    edited = client.patch(f"{POSTS}/{post['id']}", json={"note": CLEAN_NOTE}, headers=headers)
    assert edited.status_code == 200, edited.get_json()
    stale = moderator.decide(case_id, "approve", seen)
    assert stale.status_code == 409 and stale.get_json()["code"] == "stale_version"
    assert_undecided(post["id"], "held", report_state=None)


def test_a_decision_on_a_decided_item_is_refused_as_closed(moderator, held):
    post, _ = held()
    case_id = case_of(post["id"]).id
    decided = moderator.claim_and_decide(case_id, "hide")
    assert decided.status_code == 200
    again = moderator.decide(case_id, "approve", decided.get_json()["version"])
    assert again.status_code == 409 and again.get_json()["code"] == "case_closed"
    claim = moderator.claim(case_id)
    assert claim.status_code == 409 and claim.get_json()["code"] == "case_closed"
    db.session.rollback()
    assert case_of(post["id"]).post.status == "hidden"
    assert [entry.action for entry in audit_entries(case_id)].count("decide.hide") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "hide", "version": 1}, "reason"),
        ({"decision": "hide", "version": 1, "reason": ""}, "reason"),
        ({"decision": "hide", "version": 1, "reason": " \n\u3000"}, "reason"),
        ({"decision": "hide", "version": 1, "reason": "x" * 501}, "reason"),
        ({"decision": "delete_everything", "version": 1, "reason": "理由"}, "decision"),
        ({"version": 1, "reason": "理由"}, "decision"),
        ({"decision": "hide", "reason": "理由"}, "version"),
    ],
)
def test_a_decision_without_a_reason_or_known_decision_is_refused_naming_the_field(
    moderator, reported, body, field
):
    post, _ = reported()
    case_id = case_of(post["id"]).id
    assert moderator.claim(case_id).status_code == 200
    refused = moderator.post(f"/cases/{case_id}/decision", json=body)
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == [field]
    assert_undecided(post["id"], "open")


@pytest.mark.parametrize(
    "public_note",
    [
        None,
        "",
        CLEAN_NOTE[:-2],
        CLEAN_NOTE[:-2] + "**" + "*",
        CLEAN_NOTE[:-2] + "朋友",
        CLEAN_NOTE[:-2] + "#*",
        "**" + CLEAN_NOTE,
    ],
)
def test_edit_masking_that_does_more_than_hide_characters_is_refused(
    moderator, reported, public_note
):
    post, _ = reported()
    case_id = case_of(post["id"]).id
    more = {} if public_note is None else {"public_note": public_note}
    refused = moderator.claim_and_decide(case_id, "edit_masking", **more)
    assert refused.status_code == 422, refused.get_json()
    assert list(refused.get_json()["errors"]) == ["public_note"]
    assert_undecided(post["id"], "open")


def test_edit_masking_accepts_full_width_asterisks(client, moderator, reported):
    post, _ = reported()
    masked = "＊" + CLEAN_NOTE[1:]
    decided = moderator.claim_and_decide(case_of(post["id"]).id, "edit_masking", public_note=masked)
    assert decided.status_code == 200, decided.get_json()
    assert client.get(f"{POSTS}/{post['id']}").get_json()["note"] == masked


def test_dismissing_reports_on_an_item_without_reports_is_refused(moderator, held):
    post, _ = held()
    refused = moderator.claim_and_decide(case_of(post["id"]).id, "dismiss_reports")
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "decision_not_applicable"
    assert_undecided(post["id"], "held", report_state=None)


def test_dismissing_reports_cannot_release_a_post_that_trading_rules_hold(
    client, moderator, reported
):
    post, owner = reported()
    edited = client.patch(f"{POSTS}/{post['id']}", json={"note": SALE_NOTE}, headers=owner)
    assert edited.get_json()["status"] == "held"
    refused = moderator.claim_and_decide(case_of(post["id"]).id, "dismiss_reports")
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "decision_not_applicable"
    assert_undecided(post["id"], "held")


def test_a_decision_on_an_unknown_item_is_not_found(moderator):
    answer = moderator.decide(987654321, "approve", 1)
    assert answer.status_code == 404 and answer.get_json()["code"] == "case_not_found"


PHONE_NOTE = "出售布洛芬，电话 13812345678"


@pytest.mark.parametrize(
    "public_note",
    [PHONE_NOTE, PHONE_NOTE.replace("出售", "**")],
)
def test_edit_masking_that_leaves_personal_data_showing_is_refused(
    client, moderator, held, public_note
):
    post, _ = held(PHONE_NOTE)
    refused = moderator.claim_and_decide(
        case_of(post["id"]).id, "edit_masking", public_note=public_note
    )
    assert refused.status_code == 422, refused.get_json()
    assert list(refused.get_json()["errors"]) == ["public_note"]
    assert_undecided(post["id"], "held", report_state=None)


def test_edit_masking_that_hides_the_personal_data_too_is_shown_to_everyone(
    client, moderator, held
):
    post, _ = held(PHONE_NOTE)
    masked = PHONE_NOTE.replace("出售", "**").replace("13812345678", "138****5678")
    decided = moderator.claim_and_decide(case_of(post["id"]).id, "edit_masking", public_note=masked)
    assert decided.status_code == 200, decided.get_json()
    assert client.get(f"{POSTS}/{post['id']}").get_json()["note"] == masked
