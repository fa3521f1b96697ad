"""Screening of a post's free text when it is made or its note is edited, over the API: a hit
holds the post off the square, and its case records which rule matched where."""

from datetime import timedelta

import pytest
from sqlalchemy import func, update

from app.posts.models import Post
from tests.moderation.conftest import need_body, offer_body
from tests.moderation.intake_helpers import (
    POSTS,
    RULES,
    open_case,
    problem,
    read,
    rule_case,
)

# One real case of each kind and severity of rule: trading words, prices, brokers, and
# medicines off the whitelist.
HELD_RULES = (
    "sale_words",
    "resale_markup",
    "price_amount",
    "purchasing_agent",
    "paying_request",
    "off_whitelist_antiviral_rx",
    "off_whitelist_antibiotic",
    "prescription_words",
)
SHANGHAI = {"lat": 31.2304, "lng": 121.4737}


def rule_ids(case, field: str = "note") -> set[str]:
    return {hit["rule_id"] for hit in case.rule_hits if hit["field"] == field}


@pytest.mark.parametrize("rule_id", HELD_RULES)
def test_a_note_hitting_a_rule_is_held_with_the_rule_recorded_on_its_case(
    client, poster, create, rule_id
):
    _, headers = poster()
    made = create(headers, offer_body(note=rule_case(rule_id)))

    assert made.status_code == 201, made.get_json()
    assert made.json["status"] == "held"
    assert made.json["moderation"]["under_review"] is True
    case = open_case(made.json["id"])
    assert case.kind == "screening"
    assert rule_id in rule_ids(case)
    assert case.rules_version == str(RULES.version)
    note = made.json["note"]
    assert note == rule_case(rule_id)
    assert all(0 <= hit["start"] < hit["end"] <= len(note) for hit in case.rule_hits)


@pytest.mark.parametrize("rule_id", ("sale_words", "price_amount", "off_whitelist_antibiotic"))
def test_a_note_like_a_rule_but_innocent_is_open_and_opens_no_case(client, poster, create, rule_id):
    _, headers = poster()
    made = create(headers, offer_body(note=rule_case(rule_id, "misses")))

    assert made.status_code == 201, made.get_json()
    assert made.json["status"] == "open"
    assert made.json["moderation"]["under_review"] is False
    assert open_case(made.json["id"]) is None
    assert read(client, made.json["id"]).status_code == 200


def test_a_held_post_is_seen_by_its_owner_only(client, poster, create):
    _, owner = poster()
    _, stranger = poster("王*")
    held = create(owner, offer_body(note=rule_case("sale_words"))).json
    clean = create(owner, offer_body()).json
    need = create(
        stranger, need_body(items=[{"medicine": "ibuprofen", "quantity": 2, "unit": "tablet"}])
    ).json
    assert (held["status"], clean["status"], need["status"]) == ("held", "open", "open")

    assert read(client, held["id"], owner).json["status"] == "held"
    problem(read(client, held["id"]), 404, "post_not_found")
    problem(read(client, held["id"], stranger), 404, "post_not_found")
    square = client.get(POSTS, query_string={**SHANGHAI, "kind": "offer"}).json["posts"]
    assert [post["id"] for post in square] == [clean["id"]]
    searched = client.post(f"{POSTS}/search", json={**SHANGHAI, "kind": "offer"}).json["posts"]
    assert [post["id"] for post in searched] == [clean["id"]]
    matches = client.get(f"{POSTS}/{need['id']}/matches", headers=stranger).json
    assert [post["id"] for post in matches] == [clean["id"]]
    problem(client.post(f"{POSTS}/{held['id']}/contact", headers=stranger), 404, "post_not_found")
    # Its owner cannot use it to find others either: it is not on the square.
    problem(client.get(f"{POSTS}/{held['id']}/matches", headers=owner), 409, "post_not_open")


def test_an_address_hint_hitting_a_rule_is_recorded_under_its_field(client, poster, create):
    _, headers = poster()
    made = create(headers, offer_body(address_hint="小区门口，可小刀"))

    assert made.json["status"] == "held"
    case = open_case(made.json["id"])
    assert rule_ids(case, "address_hint") == {"sale_words"}
    assert rule_ids(case, "note") == set()
    [hit] = case.rule_hits
    assert made.json["address_hint"][hit["start"] : hit["end"]] == "可小刀"


def edit(client, headers, post_id, note):
    return client.patch(f"{POSTS}/{post_id}", json={"note": note}, headers=headers)


def test_editing_an_open_posts_note_into_a_sale_holds_it(client, poster, create):
    _, headers = poster()
    post = create(headers, offer_body()).json

    edited = edit(client, headers, post["id"], rule_case("bulk_trade"))

    assert edited.status_code == 200, edited.get_json()
    assert edited.json["status"] == "held"
    assert edited.json["moderation"]["under_review"] is True
    assert rule_ids(open_case(post["id"])) == {"bulk_trade"}
    problem(read(client, post["id"]), 404, "post_not_found")


def test_editing_a_held_posts_note_bumps_its_case_and_replaces_the_hits(client, poster, create):
    _, headers = poster()
    post = create(headers, offer_body(note=rule_case("sale_words"))).json
    first = open_case(post["id"])
    first_id, first_version = first.id, first.version
    assert "sale_words" in rule_ids(first)

    edited = edit(client, headers, post["id"], rule_case("purchasing_agent"))

    assert edited.json["status"] == "held"
    case = open_case(post["id"])
    assert case.id == first_id
    assert case.version > first_version
    assert rule_ids(case) == {"purchasing_agent"}

    cleaned = edit(client, headers, post["id"], "多买了一盒，免费送给需要的邻居")

    # Still a moderator's to release: the edit only takes the hits away.
    assert cleaned.json["status"] == "held"
    assert cleaned.json["moderation"]["under_review"] is True
    case = open_case(post["id"])
    assert case.version > first_version + 1
    assert case.rule_hits == []


def test_a_stale_decision_after_the_note_was_edited_changes_nothing(
    client, poster, create, moderator
):
    _, headers = poster()
    post = create(headers, offer_body(note=rule_case("sale_words"))).json
    case_id = open_case(post["id"]).id
    seen = moderator.claim(case_id).json["version"]

    edit(client, headers, post["id"], rule_case("price_amount"))

    problem(moderator.decide(case_id, "approve", seen), 409, "stale_version")
    assert read(client, post["id"], headers).json["status"] == "held"


def hide(moderator, post_id):
    decided = moderator.claim_and_decide(open_case(post_id).id, "hide", reason="出售药品")
    assert decided.status_code == 200, decided.get_json()


@pytest.mark.parametrize("taken_down", (False, True), ids=("held", "hidden"))
def test_an_owner_cannot_resolve_or_renew_a_held_or_hidden_post_but_can_delete_it(
    client, poster, create, moderator, taken_down
):
    _, headers = poster()
    post = create(headers, offer_body(note=rule_case("price_amount"))).json
    if taken_down:
        hide(moderator, post["id"])
    status = "hidden" if taken_down else "held"
    assert read(client, post["id"], headers).json["status"] == status

    # A held post waits on a moderator; a hidden one was taken down by one.
    code = "post_closed" if taken_down else "under_review"
    for action in ("resolve", "renew"):
        answer = client.post(f"{POSTS}/{post['id']}/{action}", headers=headers)
        problem(answer, 409, code)
    assert read(client, post["id"], headers).json["status"] == status

    deleted = client.delete(f"{POSTS}/{post['id']}", headers=headers)

    assert deleted.status_code == 204
    assert read(client, post["id"], headers).json["status"] == "deleted"
    problem(read(client, post["id"]), 404, "post_not_found")


def test_a_hidden_posts_note_cannot_be_edited_back_onto_the_square(
    client, poster, create, moderator
):
    _, headers = poster()
    post = create(headers, offer_body(note=rule_case("price_amount"))).json
    hide(moderator, post["id"])

    problem(edit(client, headers, post["id"], "免费送，不要钱"), 409, "post_closed")
    own = read(client, post["id"], headers).json
    assert (own["status"], own["note"]) == ("hidden", rule_case("price_amount"))


def test_a_sale_written_into_an_expired_post_stays_off_the_square_when_renewed(
    client, poster, create, db_session, moderator
):
    _, headers = poster()
    post_id = create(headers, offer_body()).json["id"]
    db_session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(status="expired", expires_at=func.now() - timedelta(hours=1))
    )
    db_session.commit()

    edited = edit(client, headers, post_id, rule_case("sale_words"))
    renewed = client.post(f"{POSTS}/{post_id}/renew", headers=headers)

    assert edited.json["moderation"]["under_review"] is True
    problem(renewed, 409, "under_review")
    problem(read(client, post_id), 404, "post_not_found")
    assert post_id not in {post["id"] for post in client.get(POSTS).json["posts"]}
    assert read(client, post_id, headers).json["status"] == "held"

    decided = moderator.claim_and_decide(open_case(post_id).id, "approve", reason="赠送")

    # Approved, it is back where it was, out of time, for its owner to renew.
    assert decided.status_code == 200, decided.get_json()
    assert read(client, post_id, headers).json["status"] == "expired"
    assert client.post(f"{POSTS}/{post_id}/renew", headers=headers).json["status"] == "open"
