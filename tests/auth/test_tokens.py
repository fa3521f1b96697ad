"""Tokens work only while their session lives: refresh and logout revoke, bans act at once."""

from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token, decode_token

from app.auth.pseudonyms import pseudonym_of
from app.auth.service import ban_user
from tests.conftest import bearer

WHOAMI = "/api/v1/_probe/signed-in"
REFRESH = "/api/v1/auth/refresh"


def test_a_signed_in_user_is_recognised(client, sign_in):
    user, pair = sign_in()
    response = client.get(WHOAMI, headers=bearer(pair.access_token))
    assert response.status_code == 200
    assert response.json == {"user_id": user.id}
    assert pair.token_type == "Bearer" and pair.expires_in == 15 * 60


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr", "Bearer "])
def test_the_bearer_scheme_is_read_in_any_case_as_rfc_7235_says(client, sign_in, scheme):
    user, pair = sign_in()
    response = client.get(WHOAMI, headers={"Authorization": f"{scheme} {pair.access_token}"})
    assert response.status_code == 200, response.get_json()
    assert response.json == {"user_id": user.id}


def test_another_scheme_in_lower_case_is_still_refused(client, sign_in):
    _user, pair = sign_in()
    response = client.get(WHOAMI, headers={"Authorization": f"basic {pair.access_token}"})
    assert response.status_code == 401


def test_no_token_is_a_401_problem_with_a_bearer_challenge(client):
    response = client.get(WHOAMI)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_forged_token_is_refused(client, sign_in):
    _, pair = sign_in()
    header, payload, _signature = pair.access_token.split(".")
    response = client.get(WHOAMI, headers=bearer(f"{header}.{payload}.forged"))
    assert response.status_code == 401
    assert response.json["code"] == "token_invalid"


def test_an_expired_token_is_refused(app, client, sign_in):
    user, pair = sign_in()
    with app.app_context():
        claims = decode_token(pair.access_token)
        expired = create_access_token(
            str(user.id),
            expires_delta=timedelta(seconds=-5),
            additional_claims={"sid": claims["sid"], "gen": claims["gen"]},
        )
    response = client.get(WHOAMI, headers=bearer(expired))
    assert response.status_code == 401
    assert response.json["code"] == "token_expired"


def test_a_refresh_token_is_not_an_access_token(client, sign_in):
    _, pair = sign_in()
    response = client.get(WHOAMI, headers=bearer(pair.refresh_token))
    assert response.status_code == 401
    assert response.json["code"] == "token_invalid"


def test_refresh_gives_a_new_pair_and_retires_the_old_one(client, sign_in):
    user, old = sign_in()
    response = client.post(REFRESH, headers=bearer(old.refresh_token))
    assert response.status_code == 200
    new = response.json
    assert client.get(WHOAMI, headers=bearer(new["access_token"])).json == {"user_id": user.id}
    for retired in (old.access_token, old.refresh_token):
        refused = client.post(REFRESH, headers=bearer(retired))
        assert refused.status_code == 401
    assert client.get(WHOAMI, headers=bearer(old.access_token)).json["code"] == "token_revoked"


def test_a_replayed_refresh_token_ends_the_session(client, sign_in):
    _, stolen = sign_in()
    fresh = client.post(REFRESH, headers=bearer(stolen.refresh_token)).json
    replay = client.post(REFRESH, headers=bearer(stolen.refresh_token))
    assert replay.json["code"] == "token_revoked"
    # Whoever holds the newer pair is signed out too: the copy proves the session leaked.
    assert client.get(WHOAMI, headers=bearer(fresh["access_token"])).status_code == 401
    assert client.post(REFRESH, headers=bearer(fresh["refresh_token"])).status_code == 401


def test_logout_revokes_both_tokens_of_that_device_only(client, sign_in):
    user, phone = sign_in(client="wechat")
    _, laptop = sign_in(user)
    assert client.post("/api/v1/auth/logout", headers=bearer(phone.access_token)).status_code == 204
    assert client.get(WHOAMI, headers=bearer(phone.access_token)).json["code"] == "token_revoked"
    assert client.post(REFRESH, headers=bearer(phone.refresh_token)).status_code == 401
    assert client.get(WHOAMI, headers=bearer(laptop.access_token)).status_code == 200


def test_a_banned_account_is_refused_at_once(client, sign_in):
    user, pair = sign_in()
    ban_user(user, reason="test")
    response = client.get(WHOAMI, headers=bearer(pair.access_token))
    assert response.status_code == 401
    assert response.json["code"] == "account_unavailable"
    assert client.post(REFRESH, headers=bearer(pair.refresh_token)).status_code == 401


def test_an_account_banned_with_sessions_left_open_is_still_refused(client, sign_in, db_session):
    user, pair = sign_in()
    user.status = "banned"
    db_session.commit()
    response = client.get(WHOAMI, headers=bearer(pair.access_token))
    assert response.status_code == 401
    assert response.json["code"] == "account_unavailable"


def test_an_operator_bans_a_user_from_the_command_line_and_it_is_audited(
    app, client, sign_in, log_records
):
    user, pair = sign_in()
    result = app.test_cli_runner().invoke(
        args=["medshare", "ban-user", str(user.id), "--reason", "sold medicine"]
    )
    assert result.exit_code == 0, result.output
    assert client.get(WHOAMI, headers=bearer(pair.access_token)).json["code"] == (
        "account_unavailable"
    )
    banned = [line for line in log_records() if line.get("event") == "user_banned"]
    assert banned == [
        {
            **banned[0],
            "user": str(pseudonym_of(user.id)),
            "reason": "sold medicine",
            "logger": "medshare.audit",
        }
    ]


def test_banning_an_unknown_user_fails_plainly(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["medshare", "ban-user", "999999999", "--reason", "x"]
    )
    assert result.exit_code == 1
    assert "no user with id 999999999" in result.output
