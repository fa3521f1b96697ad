"""What happens to a moderated post afterwards: an owner's edits, a deleted post, a stray field."""

from app.extensions import db
from app.posts.models import Post
from tests.moderation.items import CLEAN_NOTE, POSTS, SALE_NOTE, audit_entries, case_of

# A phone in capital numerals, which a moderator masks by hand when the automatic masking misses.
SPELLED_PHONE_NOTE = "送布洛芬，电话壹叁玖壹贰叁肆伍陆柒捌"


def test_an_owners_edit_of_a_note_a_moderator_masked_by_hand_goes_back_to_a_moderator(
    client, moderator, reported, report
):
    post, owner = reported(reason="privacy_leak")
    post_id = post["id"]
    client.patch(f"{POSTS}/{post_id}", json={"note": SPELLED_PHONE_NOTE}, headers=owner)
    masked = SPELLED_PHONE_NOTE[:7] + "*" * 11
    decided = moderator.claim_and_decide(case_of(post_id).id, "edit_masking", public_note=masked)
    assert decided.status_code == 200, decided.get_json()
    assert client.get(f"{POSTS}/{post_id}").get_json()["note"] == masked

    edited = client.patch(
        f"{POSTS}/{post_id}", json={"note": SPELLED_PHONE_NOTE + "，晚上也行"}, headers=owner
    )

    assert edited.get_json()["status"] == "held"
    assert client.get(f"{POSTS}/{post_id}").status_code == 404
    case = case_of(post_id)
    assert case.state == "open"
    assert [entry.action for entry in audit_entries(case.id)][-1] == "hold.masked_note_edited"


def test_an_edit_of_a_held_note_is_audited_masked_and_keeps_the_items_priority(client, held):
    post, owner = held(note=SALE_NOTE + "，电话 13912345678")
    case = case_of(post["id"])
    priority, hits = case.priority, case.rule_hits

    client.patch(f"{POSTS}/{post['id']}", json={"note": CLEAN_NOTE}, headers=owner)

    db.session.expire_all()
    case = case_of(post["id"])
    assert case.priority == priority and case.rule_hits == []
    entry = audit_entries(case.id, "edit.note")[0]
    assert entry.actor_kind == "user"
    assert entry.before["rule_hits"] == hits
    assert "13912345678" not in entry.before["note"]
    assert "139****5678" in entry.before["note"]
    assert entry.after == {"note": CLEAN_NOTE, "rule_hits": []}


def test_approving_a_post_its_owner_deleted_is_refused_and_remove_closes_the_item(
    client, moderator, held
):
    post, owner = held()
    assert client.delete(f"{POSTS}/{post['id']}", headers=owner).status_code == 204
    case_id = case_of(post["id"]).id

    refused = moderator.claim_and_decide(case_id, "approve")
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "decision_not_applicable"

    closed = moderator.claim_and_decide(case_id, "remove")
    assert closed.status_code == 200, closed.get_json()
    db.session.expire_all()
    assert case_of(post["id"]).state == "closed"
    assert db.session.get(Post, post["id"]).status == "deleted"


def test_a_public_note_with_any_decision_but_edit_masking_is_refused(moderator, held):
    post, _owner = held()
    refused = moderator.claim_and_decide(
        case_of(post["id"]).id, "hide", public_note="*" * len(SALE_NOTE)
    )
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["public_note"]
    db.session.rollback()
    assert case_of(post["id"]).state == "open"
