"""The queue's order, counts and filters, and claiming items under leases that lapse."""

from sqlalchemy import text

from app.extensions import db
from app.moderation.models import ModerationCase
from tests.moderation.conftest import need_body
from tests.moderation.items import MILD_NOTE, SALE_NOTE, audit_entries, case_of, lapse_lease


def queue_posts(moderator, **query) -> list[int]:
    answer = moderator.get("/queue", query_string=query)
    assert answer.status_code == 200, answer.get_json()
    return [item["post_id"] for item in answer.get_json()["items"]]


def test_more_distinct_reporters_rank_an_item_higher(moderator, reported):
    one, _ = reported(reporters=1)
    two, _ = reported(reporters=2)
    assert queue_posts(moderator) == [two["id"], one["id"]]


def test_a_more_severe_rule_ranks_an_item_higher(moderator, held):
    mild, _ = held(MILD_NOTE)
    severe, _ = held(SALE_NOTE)
    assert queue_posts(moderator) == [severe["id"], mild["id"]]


def test_an_urgent_need_ranks_above_the_same_hit_on_an_offer(moderator, held):
    offer, _ = held(MILD_NOTE)
    urgent, _ = held(MILD_NOTE, body=need_body)
    calm, _ = held(MILD_NOTE, body=need_body, urgency=[])
    assert queue_posts(moderator) == [urgent["id"], offer["id"], calm["id"]]


def test_an_appeal_ranks_above_an_equally_old_item_without_reporters_or_hits(
    client, moderator, held, reported
):
    first, headers = held(MILD_NOTE)
    case_id = case_of(first["id"]).id
    assert moderator.claim_and_decide(case_id, "hide").status_code == 200
    resolved_report, _ = reported(reason="already_resolved")
    appealed = client.post(
        f"/api/v1/posts/{first['id']}/appeal", json={"note": "只是求药"}, headers=headers
    )
    assert appealed.status_code == 201, appealed.get_json()
    items = moderator.get("/queue").get_json()["items"]
    assert [(item["post_id"], item["kind"]) for item in items] == [
        (first["id"], "appeal"),
        (resolved_report["id"], "resolved_report"),
    ]


def test_among_equal_priorities_the_longest_waiting_comes_first(moderator, held):
    newer, _ = held(MILD_NOTE)
    older, _ = held(MILD_NOTE)
    # Inside one test everything opens at the same database instant; age it by hand.
    db.session.execute(
        text(
            "UPDATE moderation_cases SET opened_at = opened_at - interval '1 hour' WHERE id = :id"
        ),
        {"id": case_of(older["id"]).id},
    )
    db.session.commit()
    assert queue_posts(moderator) == [older["id"], newer["id"]]


def test_counts_give_open_items_by_kind_and_how_many_are_claimed(moderator, held, reported):
    screened, _ = held()
    held(MILD_NOTE)
    reported()
    reported(reason="already_resolved")
    assert moderator.claim(case_of(screened["id"]).id).status_code == 200
    counts = moderator.get("/queue").get_json()["counts"]
    assert counts == {
        "screening": 2,
        "report": 1,
        "resolved_report": 1,
        "appeal": 0,
        "total": 4,
        "claimed": 1,
    }


def test_filters_pick_items_by_kind_by_claim_and_decided_ones(moderator, held, reported):
    screened, _ = held()
    other, _ = held(MILD_NOTE)
    reported_post, _ = reported()
    assert queue_posts(moderator, kind="report") == [reported_post["id"]]
    assert moderator.claim(case_of(screened["id"]).id).status_code == 200
    assert queue_posts(moderator, unclaimed_only="true") == [reported_post["id"], other["id"]]
    assert moderator.claim_and_decide(case_of(other["id"]).id, "approve").status_code == 200
    assert queue_posts(moderator, state="closed") == [other["id"]]
    assert other["id"] not in queue_posts(moderator)


def test_a_filter_with_an_unknown_kind_is_refused_naming_it(moderator):
    answer = moderator.get("/queue", query_string={"kind": "everything"})
    assert answer.status_code == 422
    assert "kind" in answer.get_json()["errors"]


def test_claim_next_skips_items_under_a_running_lease(staff_api, held):
    first_moderator = staff_api("mod.zhao")
    second_moderator = staff_api("mod.qian")
    severe, _ = held(SALE_NOTE)
    mild, _ = held(MILD_NOTE)
    taken = first_moderator.post("/queue/claim")
    assert taken.status_code == 200 and taken.get_json()["post_id"] == severe["id"]
    assert taken.get_json()["claimed_by"] == "mod.zhao"
    next_one = second_moderator.post("/queue/claim")
    assert next_one.status_code == 200 and next_one.get_json()["post_id"] == mild["id"]
    empty = staff_api("mod.sun").post("/queue/claim")
    assert empty.status_code == 404 and empty.get_json()["code"] == "queue_empty"


def test_claim_next_takes_an_item_whose_lease_lapsed(staff_api, held):
    first_moderator = staff_api("mod.zhao")
    _post, _ = held()
    case_id = first_moderator.post("/queue/claim").get_json()["id"]
    lapse_lease(case_id)
    listed = first_moderator.get("/queue").get_json()
    assert listed["items"][0]["claimed_by"] is None and listed["counts"]["claimed"] == 0
    retaken = staff_api("mod.qian").post("/queue/claim")
    assert retaken.status_code == 200, retaken.get_json()
    assert retaken.get_json()["id"] == case_id
    assert retaken.get_json()["claimed_by"] == "mod.qian"


def test_claim_next_of_a_kind_takes_only_that_kind(moderator, held, reported):
    held()
    reported_post, _ = reported()
    taken = moderator.post("/queue/claim", json={"kind": "report"})
    assert taken.status_code == 200 and taken.get_json()["post_id"] == reported_post["id"]
    assert moderator.post("/queue/claim", json={"kind": "appeal"}).status_code == 404


def test_a_second_moderator_cannot_claim_an_item_under_anothers_lease(staff_api, held):
    first_moderator = staff_api("mod.zhao")
    second_moderator = staff_api("mod.qian")
    post, _ = held()
    case_id = case_of(post["id"]).id
    assert first_moderator.claim(case_id).status_code == 200
    refused = second_moderator.claim(case_id)
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "case_claimed"
    assert case_of(post["id"]).claimed_by == first_moderator_id(first_moderator)
    renewed = first_moderator.claim(case_id)
    assert renewed.status_code == 200 and renewed.get_json()["claimed_by"] == "mod.zhao"


def test_after_a_lease_lapses_another_moderator_claims_and_the_first_cannot_decide(staff_api, held):
    first_moderator = staff_api("mod.zhao")
    second_moderator = staff_api("mod.qian")
    post, _ = held()
    case_id = case_of(post["id"]).id
    version = first_moderator.claim(case_id).get_json()["version"]
    lapse_lease(case_id)
    assert second_moderator.claim(case_id).status_code == 200
    late = first_moderator.decide(case_id, "approve", version)
    assert late.status_code == 409
    assert late.get_json()["code"] == "lease_required"
    db.session.rollback()
    assert case_of(post["id"]).state == "open"
    assert audit_entries(case_id, "decide.approve") == []
    assert second_moderator.decide(case_id, "approve", version).status_code == 200


def test_a_lapsed_lease_nobody_took_still_cannot_decide(moderator, held):
    post, _ = held()
    case_id = case_of(post["id"]).id
    version = moderator.claim(case_id).get_json()["version"]
    lapse_lease(case_id)
    late = moderator.decide(case_id, "hide", version)
    assert late.status_code == 409 and late.get_json()["code"] == "lease_required"


def test_deciding_an_item_never_claimed_needs_a_lease(moderator, held):
    post, _ = held()
    case = case_of(post["id"])
    refused = moderator.decide(case.id, "approve", case.version)
    assert refused.status_code == 409 and refused.get_json()["code"] == "lease_required"


def test_release_gives_the_item_back_and_is_audited(staff_api, held):
    first_moderator = staff_api("mod.zhao")
    second_moderator = staff_api("mod.qian")
    post, _ = held()
    case_id = case_of(post["id"]).id
    version = first_moderator.claim(case_id).get_json()["version"]
    refused = second_moderator.post(f"/cases/{case_id}/release")
    assert refused.status_code == 409 and refused.get_json()["code"] == "case_claimed"
    released = first_moderator.post(f"/cases/{case_id}/release")
    assert released.status_code == 200, released.get_json()
    assert released.get_json()["claimed_by"] is None
    assert released.get_json()["lease_expires_at"] is None
    assert [entry.action for entry in audit_entries(case_id)][-1] == "release"
    gone = first_moderator.decide(case_id, "approve", version)
    assert gone.status_code == 409 and gone.get_json()["code"] == "lease_required"
    assert second_moderator.claim(case_id).status_code == 200


def test_claiming_an_unknown_item_is_not_found(moderator):
    answer = moderator.claim(987654321)
    assert answer.status_code == 404 and answer.get_json()["code"] == "case_not_found"


def first_moderator_id(api) -> int:
    return db.session.scalar(
        text("SELECT id FROM staff_accounts WHERE username = :name"), {"name": api.username}
    )


def test_a_claim_records_who_holds_the_item_until_when(moderator, held):
    post, _ = held()
    case_id = case_of(post["id"]).id
    claimed = moderator.claim(case_id).get_json()
    entry = audit_entries(case_id, "claim")[-1]
    assert entry.staff.username == "mod.zhao"
    stored = db.session.get(ModerationCase, case_id)
    assert entry.after == {"lease_expires_at": stored.lease_expires_at.isoformat()}
    assert claimed["lease_expires_at"] is not None
