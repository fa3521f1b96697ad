"""GET /me/export: everything held about the caller, theirs in full, nobody else's, a few a day."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.china_time import midnight_in_china
from app.rights.models import DataExport
from tests.rights.conftest import ADDRESS, CONTACT, NOTE, OTHER_CONTACT, PHONE, SPOT, WORDS

EXPORT = "/api/v1/me/export"


def test_the_export_holds_everything_of_the_callers_own(client, busy_account):
    answer = client.get(EXPORT, headers=busy_account.headers)
    assert answer.status_code == 200, answer.get_json()
    data = answer.json
    profile = data["profile"]
    assert (profile["id"], profile["display_name"], profile["status"]) == (
        busy_account.user.id,
        "陈*",
        "active",
    )
    assert profile["identity_number"] is None
    assert [level["level"] for level in profile["levels"]] == ["identity"]
    assert {(consent["purpose"], consent["active"]) for consent in data["consents"]} == {
        ("identity_verification", True),
        ("location", True),
        ("contact", True),
    }
    assert all(consent["policy_version"] for consent in data["consents"])

    posts = {post["id"]: post for post in data["posts"]}
    assert set(posts) == set(busy_account.posts)
    open_post, held = (posts[post_id] for post_id in busy_account.posts)
    # The owner's own raw words, number, hint and spot are theirs.
    assert (open_post["note"], open_post["contact_phone"], open_post["address_hint"]) == (
        NOTE,
        CONTACT,
        ADDRESS,
    )
    assert open_post["location"]["lat"] == pytest.approx(SPOT["lat"], abs=1e-6)
    assert held["status"] == "hidden" and WORDS in held["note"]

    assert [reveal["post_id"] for reveal in data["reveals_made"]] == [busy_account.other_post]
    [received] = data["reveals_received"]
    assert (received["post_id"], received["viewer_name"]) == (busy_account.posts[0], "王*")
    [filed] = data["reports"]
    assert (filed["post_id"], filed["reason"]) == (busy_account.other_post, "other")
    assert PHONE in filed["note"]
    [appeal] = data["appeals"]
    assert appeal["post_id"] == busy_account.posts[1] and PHONE in appeal["note"]
    [decision] = data["decisions"]
    assert (decision["post_id"], decision["decision"], decision["reason"]) == (
        busy_account.posts[1],
        "hide",
        "疑似出售",
    )


def test_the_export_holds_nothing_of_anyone_else(client, busy_account, db_session):
    others_number = OTHER_CONTACT
    text = json.dumps(client.get(EXPORT, headers=busy_account.headers).json, ensure_ascii=False)
    assert others_number not in text
    assert f"{others_number[:3]}****{others_number[-4:]}" not in text
    # Whoever revealed the caller's number is there by masked name only, never by account.
    other = client.get("/api/v1/me", headers=busy_account.other_headers).json
    assert f'"viewer_id": {other["id"]}' not in text
    assert "mod.zhao" not in text


def test_a_deleted_posts_export_is_what_erasing_left(client, busy_account):
    post_id = busy_account.posts[0]
    assert (
        client.delete(f"/api/v1/posts/{post_id}", headers=busy_account.headers).status_code == 204
    )
    [post] = [
        post
        for post in client.get(EXPORT, headers=busy_account.headers).json["posts"]
        if post["id"] == post_id
    ]
    assert post["status"] == "deleted"
    assert (post["contact_phone"], post["address_hint"]) == (None, None)
    assert PHONE not in post["note"]


@pytest.mark.parametrize("limit", (1, 3))
def test_past_the_daily_export_limit_the_answer_is_429_until_midnight_in_china(
    app, client, poster, monkeypatch, limit
):
    monkeypatch.setitem(app.config, "EXPORTS_PER_DAY", limit)
    _, headers = poster()
    for _ in range(limit):
        assert client.get(EXPORT, headers=headers).status_code == 200
    refused = client.get(EXPORT, headers=headers)
    assert (refused.status_code, refused.json["code"]) == (429, "export_limit")
    assert refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    assert str(limit) in refused.json["detail"] and "导出" in refused.json["detail"]
    english = client.get(EXPORT, headers={**headers, "Accept-Language": "en"})
    assert english.json["title"] == "Daily export limit reached"


def test_exports_before_midnight_in_china_do_not_count_today(
    app, client, poster, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORTS_PER_DAY", 1)
    _, headers = poster()
    assert client.get(EXPORT, headers=headers).status_code == 200
    assert client.get(EXPORT, headers=headers).status_code == 429
    yesterday = midnight_in_china(datetime.now(UTC)) - timedelta(seconds=1)
    db_session.execute(update(DataExport).values(exported_at=yesterday))
    db_session.commit()
    assert client.get(EXPORT, headers=headers).status_code == 200


def test_the_export_needs_a_signed_in_caller(client):
    assert client.get(EXPORT).status_code == 401


def test_the_export_is_documented_with_its_schema(client):
    document = client.get("/api/v1/openapi.json").json
    answers = document["paths"]["/api/v1/me/export"]["get"]["responses"]
    assert set(answers) >= {"200", "401", "429"}
    schema = answers["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    fields = document["components"]["schemas"][schema]["properties"]
    assert set(fields) >= {"profile", "consents", "posts", "reveals_made", "reports", "decisions"}
