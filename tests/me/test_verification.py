"""POST /me/verification: consent first, rules, the provider, then only the HMAC and the mask."""

import pytest
from sqlalchemy import func, select

from app.auth.identity import id_number_digest
from app.me import service
from app.me.models import VerificationAttempt
from tests.fakes.server import serve
from tests.me.conftest import VERIFY
from tests.me.numbers import foreign_permanent, hmt_permit, resident_id, with_wrong_check

NUMBER = resident_id(region="440305", birth="19830917", sequence="472")
NAME = "欧阳明远"


def attempts(db_session, user) -> int:
    return db_session.scalar(select(func.count()).where(VerificationAttempt.user_id == user.id))


def test_verification_needs_the_identity_consent_first(consenting, verify, db_session):
    user, pair = consenting("location", "contact")
    response = verify(pair, NAME, NUMBER)
    assert response.status_code == 403
    assert response.json["code"] == "consent_required"
    # People read the policy's title, not the purpose's code name.
    assert "「实名认证」" in response.json["detail"]
    assert user.verification("identity") is None and attempts(db_session, user) == 0


def test_verification_needs_sign_in(client):
    response = client.post(
        VERIFY, json={"name": NAME, "document_type": "resident_id", "document_number": NUMBER}
    )
    assert response.status_code == 401


def test_a_verified_account_keeps_only_the_mask_the_hmac_and_the_level(
    app, consenting, verify, db_session
):
    user, pair = consenting("identity_verification")
    response = verify(pair, NAME, NUMBER.lower()[:6] + " " + NUMBER[6:])
    assert response.status_code == 200
    assert response.json["display_name"] == "欧阳**"
    [level] = response.json["levels"]
    assert level["level"] == "identity" and level["provider"] == "checksum-only"
    db_session.refresh(user)
    assert user.display_name == "欧阳**"
    assert user.id_number_hmac == id_number_digest(NUMBER, app.config["ID_NUMBER_HMAC_KEY"])
    assert user.verification("identity").provider == "checksum-only"


@pytest.mark.parametrize(
    ("document_type", "number", "name", "masked"),
    [
        ("hmt_residence_permit", hmt_permit("820000", birth="19770412"), "何鸿远", "何**"),
        ("foreign_permanent_residence", foreign_permanent(nationality="840"), "John Smith", "J***"),
    ],
)
def test_permits_and_foreigners_cards_verify_too(
    consenting, verify, document_type, number, name, masked
):
    _, pair = consenting("identity_verification")
    response = verify(pair, name, number, document_type=document_type)
    assert response.status_code == 200
    assert response.json["display_name"] == masked


@pytest.mark.parametrize(
    ("body", "field", "message_zh"),
    [
        ({"document_number": NUMBER[:17]}, "document_number", "证件号码应为 18 位"),
        ({"document_number": with_wrong_check(NUMBER[:17])}, "document_number", "校验位不符"),
        ({"document_number": resident_id(region="119999")}, "document_number", "地区代码不存在"),
        ({"document_number": resident_id(birth="19830231")}, "document_number", "不是有效日期"),
        ({"document_number": resident_id(birth="20990101")}, "document_number", "晚于今天"),
        ({"document_number": resident_id(birth="18990101")}, "document_number", "早于 1900 年"),
        ({"document_number": resident_id(birth="20200101")}, "document_number", "年满 18 周岁"),
        ({"document_number": hmt_permit()}, "document_type", "不属于所选的证件类型"),
        ({"document_type": "passport"}, "document_type", "必须是以下之一"),
        ({"name": "刘"}, "name", "长度必须在 2 到 40 之间"),
        ({"name": "刘a"}, "name", "请按证件填写姓名"),
        ({"name": None}, "name", "不能为空值"),
    ],
)
def test_each_rule_answers_422_on_its_field_and_costs_no_attempt(
    consenting, verify, db_session, body, field, message_zh
):
    user, pair = consenting("identity_verification")
    request = {"name": NAME, "document_type": "resident_id", "document_number": NUMBER, **body}
    response = verify(pair, request["name"], request["document_number"], request["document_type"])
    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert list(response.json["errors"]) == [field]
    assert message_zh in response.json["errors"][field][0]
    assert attempts(db_session, user) == 0 and user.id_number_hmac is None


def test_field_errors_speak_english_when_asked(consenting, verify):
    _, pair = consenting("identity_verification")
    response = verify(pair, NAME, resident_id(birth="20200101"), **{"Accept-Language": "en"})
    assert response.json["errors"] == {
        "document_number": ["You must be at least 18 years old to verify your identity."]
    }


def test_the_minimum_age_comes_from_settings(app, monkeypatch, consenting, verify):
    monkeypatch.setitem(app.config, "MINIMUM_AGE", 50)
    _, pair = consenting("identity_verification")
    response = verify(pair, NAME, NUMBER)
    assert response.status_code == 422
    assert "50" in response.json["errors"]["document_number"][0]


def test_one_document_verifies_one_account(consenting, verify, db_session):
    _, first_pair = consenting("identity_verification")
    assert verify(first_pair, NAME, NUMBER).status_code == 200
    second, second_pair = consenting("identity_verification")
    response = verify(second_pair, NAME, NUMBER)
    assert response.status_code == 409
    assert response.json["code"] == "identity_in_use"
    db_session.refresh(second)
    assert second.id_number_hmac is None and second.verification("identity") is None
    assert second.display_name == "邻居"


def test_two_accounts_racing_for_one_document_meet_the_unique_constraint(
    consenting, verify, db_session, monkeypatch
):
    _, first_pair = consenting("identity_verification")
    assert verify(first_pair, NAME, NUMBER).status_code == 200
    # The second request checks before the first commits, so its check finds no holder.
    monkeypatch.setattr(service, "_holder_of", lambda digest: None)
    second, second_pair = consenting("identity_verification")
    response = verify(second_pair, NAME, NUMBER)
    assert response.status_code == 409
    assert response.json["code"] == "identity_in_use"
    db_session.refresh(second)
    assert second.id_number_hmac is None and second.verification("identity") is None


def test_a_verified_account_cannot_verify_again(consenting, verify):
    _, pair = consenting("identity_verification")
    assert verify(pair, NAME, NUMBER).status_code == 200
    response = verify(pair, "王小明", resident_id(sequence="111"))
    assert response.status_code == 409
    assert response.json["code"] == "already_verified"


def test_the_provider_is_asked_with_the_normalised_name_and_number(faceid, consenting, verify):
    faceid.people[NUMBER] = NAME
    user, pair = consenting("identity_verification")
    response = verify(pair, " 欧阳 明远 ", NUMBER.lower())
    assert response.status_code == 200
    assert response.json["levels"][0]["provider"] == "tencentcloud-faceid"
    [request] = faceid.requests
    assert request.action == "IdCardVerification"
    assert request.body == {"IdCard": NUMBER, "Name": NAME}
    assert user.display_name == "欧阳**"


def test_a_name_that_is_not_the_numbers_holder_is_a_422_on_name(
    faceid, consenting, verify, db_session
):
    faceid.people[NUMBER] = "欧阳明亮"
    user, pair = consenting("identity_verification")
    response = verify(pair, NAME, NUMBER)
    assert response.status_code == 422
    assert response.json["code"] == "identity_mismatch"
    assert list(response.json["errors"]) == ["name"]
    assert attempts(db_session, user) == 1
    assert user.id_number_hmac is None and user.verification("identity") is None


@pytest.mark.parametrize(
    ("scripted", "code", "field"),
    [
        (None, "identity_not_found", "document_number"),
        ("-2", "validation_failed", "document_number"),
        ("-3", "validation_failed", "name"),
    ],
)
def test_provider_refusals_name_the_field_and_count_as_attempts(
    faceid, consenting, verify, db_session, scripted, code, field
):
    if scripted:
        faceid.script.append(scripted)
    user, pair = consenting("identity_verification")
    response = verify(pair, NAME, NUMBER)
    assert response.status_code == 422
    assert response.json["code"] == code
    assert list(response.json["errors"]) == [field]
    assert attempts(db_session, user) == 1


@pytest.mark.parametrize(
    "scripted",
    [
        "-4",
        "-6",
        "-7",
        "-99",
        {"Code": "InternalError", "Message": "internal error"},
        {"Code": "RequestLimitExceeded", "Message": "too many requests"},
        {"Code": "ResourceUnavailable.InArrears", "Message": "account in arrears"},
        503,
    ],
)
def test_provider_outages_answer_502_and_cost_no_attempt(
    faceid, consenting, verify, db_session, scripted
):
    faceid.people[NUMBER] = NAME
    faceid.script.append(scripted)
    user, pair = consenting("identity_verification")
    response = verify(pair, NAME, NUMBER)
    assert response.status_code == 502
    assert response.json["code"] == "identity_provider_unavailable"
    assert user.verification("identity") is None
    # Recorded as unavailable, and not counted: the next try goes through.
    assert verify(pair, NAME, NUMBER).status_code == 200


def test_wrong_credentials_are_an_outage_not_a_crash(app, monkeypatch, faceid, consenting, verify):
    monkeypatch.setitem(app.config, "TENCENTCLOUD_SECRET_KEY", "not-the-key")
    _, pair = consenting("identity_verification")
    response = verify(pair, NAME, NUMBER)
    assert response.status_code == 502
    assert faceid.requests[0].action == "IdCardVerification"


@pytest.mark.parametrize("secret_id", ["", "AKID with spaces "])
def test_missing_credentials_are_an_outage(app, monkeypatch, faceid, consenting, verify, secret_id):
    monkeypatch.setitem(app.config, "TENCENTCLOUD_SECRET_ID", secret_id)
    _, pair = consenting("identity_verification")
    assert verify(pair, NAME, NUMBER).status_code == 502
    assert faceid.requests == []


def test_an_unreachable_provider_is_an_outage(app, monkeypatch, consenting, verify):
    with serve(lambda environ, start_response: []) as base_url:
        closed = base_url
    monkeypatch.setitem(app.config, "IDENTITY_PROVIDER", "tencentcloud-faceid")
    monkeypatch.setitem(app.config, "IDENTITY_ENDPOINT", closed)
    monkeypatch.setitem(app.config, "TENCENTCLOUD_SECRET_ID", "AKIDx")
    monkeypatch.setitem(app.config, "TENCENTCLOUD_SECRET_KEY", "key")
    _, pair = consenting("identity_verification")
    response = verify(pair, NAME, NUMBER)
    assert response.status_code == 502
    assert response.json["code"] == "identity_provider_unavailable"


def test_provider_errors_are_logged_without_the_name_or_number(
    faceid, consenting, verify, log_records
):
    faceid.script.append({"Code": "InternalError", "Message": f"bad {NUMBER} {NAME}"})
    _, pair = consenting("identity_verification")
    verify(pair, NAME, NUMBER)
    logged = str(log_records())
    assert "InternalError" in logged
    assert NUMBER not in logged and NAME not in logged and "19830917" not in logged
