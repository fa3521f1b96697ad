"""One post's way through moderation, end to end over the API."""

from tests.moderation.conftest import offer_body

SALE_NOTE = "布洛芬 10 片，价格 20 元，可小刀"


def test_a_post_offering_a_sale_is_held_then_hidden_then_appealed(
    client, poster, create, moderator
):
    _user, headers = poster()
    made = create(headers, offer_body(note=SALE_NOTE))
    assert made.status_code == 201, made.get_json()
    post = made.get_json()
    assert post["status"] == "held"
    assert post["moderation"]["under_review"] is True
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 404

    queue = moderator.get("/queue").get_json()
    assert queue["counts"]["screening"] == 1
    item = queue["items"][0]
    assert item["post_id"] == post["id"]
    assert {hit["rule_id"] for hit in item["rule_hits"]}

    decided = moderator.claim_and_decide(item["id"], "hide", reason="出售药品")
    assert decided.status_code == 200, decided.get_json()

    mine = client.get(f"/api/v1/posts/{post['id']}", headers=headers).get_json()
    assert mine["status"] == "hidden"
    assert mine["moderation"]["decision"] == "hide"
    assert mine["moderation"]["reason"] == "出售药品"
    assert mine["moderation"]["can_appeal"] is True

    appealed = client.post(
        f"/api/v1/posts/{post['id']}/appeal", json={"note": "只是说原价，不收钱"}, headers=headers
    )
    assert appealed.status_code == 201, appealed.get_json()
    assert appealed.get_json()["moderation"]["under_review"] is True
    again = client.post(
        f"/api/v1/posts/{post['id']}/appeal", json={"note": "再申诉"}, headers=headers
    )
    assert again.status_code == 409

    trail = moderator.get(f"/cases/{item['id']}/audit").get_json()
    assert [entry["action"] for entry in trail][:1] == ["hold.screening"]
    assert "decide.hide" in [entry["action"] for entry in trail]
