"""Appeals: the owner of a post a moderator took down or changed asks, once, for another look;
and what the poster, and only the poster, sees of moderation on their post."""

import pytest

from app.extensions import db
from app.moderation.cases import APPEAL_WEIGHT
from app.moderation.outcome import APPEALABLE_DECISIONS
from app.posts.models import Post
from tests.moderation.conftest import offer_body
from tests.moderation.intake_helpers import (
    POSTS,
    appeal,
    cases_of,
    open_case,
    problem,
    read,
    report,
    rule_case,
    users,
)

OUTCOME_FIELDS = {
    "under_review",
    "decision",
    "reason",
    "decided_at",
    "appealed",
    "can_appeal",
    "public_note",
}
SALE = rule_case("sale_words")
# What a moderator's masking hides of SALE ("出售布洛芬两盒，有需要的联系我"): only with *.
MASKED_SALE = "**布洛芬两盒，有需要的联系我"


@pytest.fixture
def held(poster, create):
    """A post screening held; returns (post_id, owner's headers)."""
    _, headers = poster("孙*")
    made = create(headers, offer_body(note=SALE))
    assert made.json["status"] == "held", made.get_json()
    return made.json["id"], headers


def decide(moderator, post_id, decision, reason="出售药品", **more):
    decided = moderator.claim_and_decide(open_case(post_id).id, decision, reason=reason, **more)
    assert decided.status_code == 200, decided.get_json()
    return decided.json


def decided_against(moderator, post_id, decision):
    extra = {"public_note": MASKED_SALE} if decision == "edit_masking" else {}
    return decide(moderator, post_id, decision, **extra)


def outcome(client, post_id, headers) -> dict:
    return read(client, post_id, headers).json["moderation"]


def test_an_appeal_needs_a_signed_in_owner(client, sign_in, held, moderator):
    post_id, _ = held
    decide(moderator, post_id, "hide")
    [stranger] = users(sign_in, 1, "路人")

    problem(appeal(client, {}, post_id), 401, "unauthorized")
    # A hidden post is the owner's alone: to anyone else it does not exist.
    problem(appeal(client, stranger, post_id), 404, "post_not_found")
    assert [case.kind for case in cases_of(post_id)] == ["screening"]


def test_someone_elses_post_that_anyone_can_see_is_not_theirs_to_appeal(
    client, sign_in, held, moderator
):
    post_id, _ = held
    decide(moderator, post_id, "mark_resolved")
    [stranger] = users(sign_in, 1, "路人")
    assert read(client, post_id, stranger).json["status"] == "resolved"

    problem(appeal(client, stranger, post_id), 403, "not_post_owner")
    assert [case.kind for case in cases_of(post_id)] == ["screening"]


@pytest.mark.parametrize(
    ("body", "field"), [({}, "note"), ({"note": ""}, "note"), ({"note": "长" * 501}, "note")]
)
def test_an_appeal_without_a_fitting_note_is_refused_naming_it(
    client, held, moderator, body, field
):
    post_id, owner = held
    decide(moderator, post_id, "hide")

    answer = client.post(f"{POSTS}/{post_id}/appeal", json=body, headers=owner)

    assert list(problem(answer, 422, "validation_failed")["errors"]) == [field]
    assert open_case(post_id) is None


def test_a_post_nobody_decided_against_has_nothing_to_appeal(client, poster, create):
    _, owner = poster()
    post_id = create(owner, offer_body()).json["id"]

    problem(appeal(client, owner, post_id), 409, "nothing_to_appeal")
    assert cases_of(post_id) == []


@pytest.mark.parametrize("decision", ("approve", "dismiss_reports"))
def test_a_decision_in_the_posters_favour_has_nothing_to_appeal(
    client, sign_in, poster, create, moderator, decision
):
    _, owner = poster()
    post_id = create(owner, offer_body()).json["id"]
    [reporter] = users(sign_in, 1)
    report(client, reporter, post_id)
    decide(moderator, post_id, decision, reason="没有问题")
    assert outcome(client, post_id, owner)["can_appeal"] is False

    problem(appeal(client, owner, post_id), 409, "nothing_to_appeal")
    assert open_case(post_id) is None


def test_a_post_in_the_queue_cannot_be_appealed(client, held):
    post_id, owner = held

    problem(appeal(client, owner, post_id), 409, "under_review")
    assert [case.kind for case in cases_of(post_id)] == ["screening"]


def test_a_post_is_appealed_once_only(client, held, moderator):
    post_id, owner = held
    decide(moderator, post_id, "hide")
    assert appeal(client, owner, post_id).status_code == 201
    problem(appeal(client, owner, post_id), 409, "under_review")
    decide(moderator, post_id, "remove", reason="确认出售")
    assert outcome(client, post_id, owner)["can_appeal"] is False

    problem(appeal(client, owner, post_id), 409, "appeal_used")
    assert [case.kind for case in cases_of(post_id)] == ["screening", "appeal"]


def test_an_appeal_carries_its_note_to_the_moderator_ahead_of_lesser_items(
    client, sign_in, poster, create, held, moderator
):
    post_id, owner = held
    decide(moderator, post_id, "hide")
    # Waiting longer, but only someone saying it is over: less pressing than an appeal.
    _, other_owner = poster("钱*")
    older_id = create(other_owner, offer_body()).json["id"]
    [reporter] = users(sign_in, 1)
    report(client, reporter, older_id, "already_resolved")

    appealed = appeal(client, owner, post_id, "我是免费送的，原价只是说明")

    assert appealed.status_code == 201, appealed.get_json()
    case = open_case(post_id)
    assert (case.kind, case.appeal_note) == ("appeal", "我是免费送的，原价只是说明")
    assert case.priority == APPEAL_WEIGHT
    queue = moderator.get("/queue").json
    assert [item["post_id"] for item in queue["items"]] == [post_id, older_id]
    assert queue["counts"]["appeal"] == 1
    appeals = moderator.get("/queue", query_string={"kind": "appeal"}).json["items"]
    assert [item["id"] for item in appeals] == [case.id]
    review = moderator.get(f"/cases/{case.id}").json
    assert review["appeal_note"] == "我是免费送的，原价只是说明"


@pytest.mark.parametrize("decision", APPEALABLE_DECISIONS)
def test_approving_an_appeal_puts_the_post_back_on_the_square(
    client, sign_in, held, moderator, decision
):
    post_id, owner = held
    decided_against(moderator, post_id, decision)
    appealed = appeal(client, owner, post_id)
    assert appealed.json["moderation"]["under_review"] is True

    decide(moderator, post_id, "approve", reason="申诉成立")

    [stranger] = users(sign_in, 1, "路人")
    public = read(client, post_id, stranger).json
    assert (public["status"], public["note"]) == ("open", SALE)
    assert post_id in {post["id"] for post in client.get(POSTS).json["posts"]}
    mine = read(client, post_id, owner).json
    assert mine["status"] == "open"
    assert mine["moderation"] == {
        "under_review": False,
        "decision": "approve",
        "reason": "申诉成立",
        "decided_at": mine["moderation"]["decided_at"],
        "appealed": True,
        "can_appeal": False,
        "public_note": SALE,
    }


@pytest.mark.parametrize("decision", APPEALABLE_DECISIONS)
def test_the_owner_sees_the_decision_its_reason_and_that_they_may_appeal(
    client, held, moderator, decision
):
    post_id, owner = held
    before = outcome(client, post_id, owner)
    assert {key: before[key] for key in OUTCOME_FIELDS - {"public_note"}} == {
        "under_review": True,
        "decision": None,
        "reason": None,
        "decided_at": None,
        "appealed": False,
        "can_appeal": False,
    }

    decided_against(moderator, post_id, decision)

    mine = read(client, post_id, owner).json["moderation"]
    assert mine["decided_at"] is not None
    assert {key: mine[key] for key in OUTCOME_FIELDS - {"decided_at", "public_note"}} == {
        "under_review": False,
        "decision": decision,
        "reason": "出售药品",
        "appealed": False,
        "can_appeal": True,
    }
    [listed] = client.get(f"{POSTS}/mine", headers=owner).json
    assert listed["moderation"] == mine

    appeal(client, owner, post_id)

    mine = read(client, post_id, owner).json["moderation"]
    assert (mine["under_review"], mine["appealed"], mine["can_appeal"]) == (True, True, False)
    # The last decision stays shown while the appeal waits.
    assert mine["decision"] == decision


def test_others_never_see_moderation_reporters_or_the_original_note(
    client, sign_in, poster, create, moderator
):
    _, owner = poster("周*")
    post_id = create(owner, offer_body(note="布洛芬一盒，打 13800138000 找我")).json["id"]
    reporters = users(sign_in, 2, "举报者甲")
    for reporter in reporters:
        report(client, reporter, post_id, "privacy_leak", "他留了电话")
    public_note = "布洛芬一盒，打 *********** 找我"
    decide(moderator, post_id, "edit_masking", reason="隐去电话", public_note=public_note)

    stranger_view = read(client, post_id, users(sign_in, 1, "路人")[0]).json
    anonymous_view = read(client, post_id).json
    [listed] = [post for post in client.get(POSTS).json["posts"] if post["id"] == post_id]
    for view in (stranger_view, anonymous_view, listed):
        assert "moderation" not in view
        assert view["note"] == public_note
        text = str(view)
        assert "13800138000" not in text
        assert "举报者甲" not in text
        assert "他留了电话" not in text
    own = read(client, post_id, owner).json
    assert own["note"] == "布洛芬一盒，打 13800138000 找我"
    assert set(own["moderation"]) == OUTCOME_FIELDS
    assert own["moderation"]["public_note"] == public_note
    assert "举报者甲" not in str(own) and "他留了电话" not in str(own)


def test_approving_an_appeal_undoes_the_masking_but_not_the_owners_own_resolving(
    client, held, moderator
):
    post_id, owner = held
    decided_against(moderator, post_id, "edit_masking")
    assert client.post(f"{POSTS}/{post_id}/resolve", headers=owner).status_code == 200
    appeal(client, owner, post_id, "遮得太多了")

    decide(moderator, post_id, "approve", reason="申诉成立")

    public = read(client, post_id).json
    assert (public["status"], public["note"]) == ("resolved", SALE)


@pytest.mark.parametrize("status", ("deleted", "withdrawn"))
def test_a_post_its_owner_took_down_cannot_be_appealed(client, held, moderator, status):
    post_id, owner = held
    decide(moderator, post_id, "hide")
    if status == "deleted":
        assert client.delete(f"{POSTS}/{post_id}", headers=owner).status_code == 204
    else:
        withdraw(post_id)

    problem(appeal(client, owner, post_id), 409, "post_closed")
    assert open_case(post_id) is None


def withdraw(post_id: int) -> None:
    """As withdrawing the contact consent does to the post."""
    post = db.session.get(Post, post_id)
    post.status = "withdrawn"
    db.session.commit()
