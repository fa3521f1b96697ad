"""Consents: given to a policy version, listed with their times, withdrawn with effect at once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import DEFAULT_DISPLAY_NAME
from app.me.models import CONSENT_PURPOSES, Consent
from app.me.service import ConsentRequired, policies, require_consent
from app.posts.models import Post
from tests.conftest import bearer
from tests.me.conftest import make_post
from tests.me.numbers import resident_id

CONSENTS = "/api/v1/me/consents"
CURRENT = {purpose: policies()[purpose]["current"] for purpose in CONSENT_PURPOSES}


def grant(client, pair, purpose, version=None, **headers):
    return client.post(
        CONSENTS,
        json={"purpose": purpose, "policy_version": version or CURRENT[purpose]},
        headers={**bearer(pair.access_token), **headers},
    )


def withdraw(client, pair, purpose):
    return client.delete(f"{CONSENTS}/{purpose}", headers=bearer(pair.access_token))


def listed(client, pair):
    return client.get(CONSENTS, headers=bearer(pair.access_token)).json


def test_every_purpose_has_a_current_policy_in_both_languages():
    assert set(policies()) == set(CONSENT_PURPOSES)
    for policy in policies().values():
        current = policy["versions"][policy["current"]]
        for part in ("title", "text"):
            assert current[part]["zh"] and current[part]["en"]


def test_policies_are_served_without_sign_in_in_the_callers_language(client):
    english = client.get("/api/v1/me/policies", headers={"Accept-Language": "en"}).json
    assert [policy["purpose"] for policy in english] == list(CONSENT_PURPOSES)
    assert english[0]["version"] == CURRENT["identity_verification"]
    assert english[0]["title"] == "Identity verification"
    chinese = client.get("/api/v1/me/policies").json
    assert chinese[1]["title"] == "位置信息"


def test_a_consent_is_recorded_with_its_version_and_time_and_listed(client, sign_in):
    _, pair = sign_in()
    before = datetime.now(UTC)
    response = grant(client, pair, "location")
    assert response.status_code == 201
    assert response.json["purpose"] == "location"
    assert response.json["policy_version"] == CURRENT["location"]
    assert response.json["active"] is True and response.json["withdrawn_at"] is None
    assert datetime.fromisoformat(response.json["granted_at"]) >= before - timedelta(seconds=1)
    assert listed(client, pair) == [response.json]


def test_granting_again_keeps_the_one_consent_in_force(client, sign_in, db_session):
    user, pair = sign_in()
    first = grant(client, pair, "contact").json
    again = grant(client, pair, "contact")
    assert again.status_code == 200
    assert again.json == first
    assert len(db_session.scalars(select(Consent).where(Consent.user_id == user.id)).all()) == 1


def test_a_version_that_is_not_current_is_refused_on_policy_version(client, sign_in):
    _, pair = sign_in()
    response = grant(client, pair, "location", "2020-01-01", **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "policy_version": [
            f"Not the current version of this policy; the current one is {CURRENT['location']}."
        ]
    }
    assert listed(client, pair) == []


def test_an_unknown_purpose_is_refused(client, sign_in):
    _, pair = sign_in()
    response = grant(client, pair, "marketing", "2026-11-01")
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["purpose"]


def test_consenting_to_a_new_version_ends_the_consent_to_the_old_one(client, sign_in, db_session):
    user, pair = sign_in()
    db_session.add(
        Consent(
            user_id=user.id,
            purpose="location",
            policy_version="2025-01-01",
            granted_at=datetime.now(UTC) - timedelta(days=30),
        )
    )
    db_session.commit()
    assert grant(client, pair, "location").status_code == 201
    newest, oldest = listed(client, pair)
    assert newest["policy_version"] == CURRENT["location"] and newest["active"]
    assert oldest["policy_version"] == "2025-01-01" and oldest["withdrawn_at"] is not None


def test_withdrawing_identity_consent_forgets_the_identity_at_once(
    client, consenting, verify, db_session
):
    user, pair = consenting("identity_verification")
    assert verify(pair, "上官婉儿", resident_id(birth="19900808")).status_code == 200
    assert withdraw(client, pair, "identity_verification").status_code == 204
    db_session.refresh(user)
    assert user.verification("identity") is None
    assert user.id_number_hmac is None
    assert user.display_name == DEFAULT_DISPLAY_NAME
    [consent] = listed(client, pair)
    assert consent["active"] is False and consent["withdrawn_at"] is not None
    with pytest.raises(ConsentRequired):
        require_consent(user, "identity_verification")


def test_after_withdrawing_the_same_document_can_verify_again(client, consenting, verify):
    _, pair = consenting("identity_verification")
    number = resident_id(birth="19900808")
    verify(pair, "上官婉儿", number)
    withdraw(client, pair, "identity_verification")
    grant(client, pair, "identity_verification")
    assert verify(pair, "上官婉儿", number).status_code == 200


@pytest.mark.parametrize("purpose", ["location", "contact"])
def test_withdrawing_location_or_contact_takes_open_posts_off_the_square(
    client, consenting, db_session, purpose
):
    user, pair = consenting("location", "contact")
    other, _ = consenting("location", "contact")
    open_post, resolved_post = make_post(db_session, user), make_post(db_session, user, "resolved")
    others_post = make_post(db_session, other)
    db_session.commit()
    assert withdraw(client, pair, purpose).status_code == 204
    statuses = dict(db_session.execute(select(Post.id, Post.status)).all())
    assert statuses[open_post.id] == "withdrawn"
    assert statuses[resolved_post.id] == "resolved"
    assert statuses[others_post.id] == "open"
    remaining = {consent["purpose"] for consent in listed(client, pair) if consent["active"]}
    assert remaining == {"location", "contact"} - {purpose}


def test_withdrawing_what_was_never_given_still_undoes_its_effects(client, sign_in, db_session):
    # Accounts from before consents were recorded have nothing to withdraw but their posts.
    user, pair = sign_in()
    post = make_post(db_session, user)
    db_session.commit()
    assert withdraw(client, pair, "location").status_code == 204
    db_session.refresh(post)
    assert post.status == "withdrawn"


def test_withdrawing_an_unknown_purpose_is_404(client, sign_in):
    _, pair = sign_in()
    assert withdraw(client, pair, "marketing").status_code == 404


def test_require_consent_names_the_missing_purpose(consenting):
    user, _ = consenting("location")
    require_consent(user, "location")
    with pytest.raises(ConsentRequired) as missing:
        require_consent(user, "contact")
    assert missing.value.params["purpose"] == "contact"


def test_consents_need_sign_in(client):
    assert client.get(CONSENTS).status_code == 401
    assert client.delete(f"{CONSENTS}/location").status_code == 401
