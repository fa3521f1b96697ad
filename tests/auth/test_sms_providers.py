"""SMS codes go out through Tencent Cloud (here its local fake); a failed send leaves nothing."""

import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text

from app import create_app
from app.auth.lookup import lookup_digest
from app.auth.sms import service
from app.auth.sms.models import SmsChallenge
from app.auth.sms.senders import SmsLimitReached, SmsUnavailable
from app.china_time import CHINA_TIME
from app.extensions import db
from tests.fakes.server import serve
from tests.fakes.tencentcloud_sms import SECRET_ID, SECRET_KEY, FakeTencentCloudSms

CODES = "/api/v1/auth/sms/codes"
SIGN_IN = "/api/v1/auth/sms/sign-in"
MOBILE = "13912345678"
ADDRESS = "203.0.113.7"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WAITING_ADVISORY_LOCKS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@pytest.fixture(scope="module")
def tencent_cloud():
    """A fake Tencent Cloud SMS API on loopback, serving whichever fake the test set in it."""
    current = {}
    with serve(lambda environ, start_response: current["fake"](environ, start_response)) as url:
        yield current, url.removeprefix("http://")


@pytest.fixture
def tencent_sms(app, monkeypatch, tencent_cloud):
    """The app sends through a fresh fake Tencent Cloud SMS API; yields the fake."""
    current, endpoint = tencent_cloud
    current["fake"] = FakeTencentCloudSms()
    settings = {
        "SMS_PROVIDER": "tencentcloud",
        "SMS_PROTOCOL": "http",
        "SMS_ENDPOINT": endpoint,
        "SMS_SDK_APP_ID": "1400006666",
        "SMS_SIGN_NAME": "邻里药箱",
        "SMS_TEMPLATE_ID": "1110",
        "TENCENTCLOUD_SECRET_ID": SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
    }
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    return current["fake"]


def delivered_code(fake: FakeTencentCloudSms) -> str:
    return fake.sent[-1]["template_params"][0]


def test_signing_in_with_the_code_tencent_cloud_delivered(client, tencent_sms):
    assert client.post(CODES, json={"mobile": "139 1234 5678"}).status_code == 202
    [sent] = tencent_sms.sent
    assert sent["phone_numbers"] == ["+8613912345678"]
    assert sent["template_params"][1] == "5"  # minutes the code lives
    assert (sent["sdk_app_id"], sent["template_id"], sent["sign_name"]) == (
        "1400006666",
        "1110",
        "邻里药箱",
    )
    response = client.post(SIGN_IN, json={"mobile": MOBILE, "code": delivered_code(tencent_sms)})
    assert response.status_code == 200
    assert response.json["access_token"] and response.json["refresh_token"]


def test_a_request_signed_with_the_wrong_secret_is_refused(client, tencent_sms, app, monkeypatch):
    monkeypatch.setitem(app.config, "TENCENTCLOUD_SECRET_KEY", "not-the-secret")
    response = client.post(CODES, json={"mobile": MOBILE})
    assert response.status_code == 502
    assert response.json["code"] == "sms_unavailable"
    assert tencent_sms.sent == []


@pytest.mark.parametrize(
    "refusal",
    [
        {"error": "InternalError"},
        {"error": "FailedOperation.InsufficientBalanceInSmsPackage"},
        {"status": "InvalidParameterValue.IncorrectPhoneNumber"},
        {"status": "FailedOperation.PhoneNumberInBlacklist"},
        {"http_status": 500},
    ],
)
def test_a_provider_failure_is_a_502_and_leaves_no_challenge(
    client, db_session, tencent_sms, refusal
):
    tencent_sms.refuse_next(**refusal)
    response = client.post(CODES, json={"mobile": MOBILE})
    assert response.status_code == 502
    assert response.json["code"] == "sms_unavailable"
    assert db_session.scalars(select(SmsChallenge)).all() == []
    # Nothing counted: the caller may try again at once.
    assert client.post(CODES, json={"mobile": MOBILE}).status_code == 202


@pytest.mark.parametrize(
    ("status", "retry_after"),
    [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", 30),
        ("LimitExceeded.PhoneNumberOneHourLimit", 3600),
    ],
)
def test_a_provider_limit_on_the_number_is_a_429(
    client, db_session, tencent_sms, status, retry_after
):
    tencent_sms.refuse_next(status=status)
    response = client.post(CODES, json={"mobile": MOBILE})
    assert response.status_code == 429
    assert response.json["code"] == "sms_limit_reached"
    assert response.headers["Retry-After"] == str(retry_after)
    assert db_session.scalars(select(SmsChallenge)).all() == []


def test_the_provider_daily_limit_lasts_until_midnight_in_china(client, tencent_sms):
    tencent_sms.refuse_next(status="LimitExceeded.PhoneNumberDailyLimit")
    response = client.post(CODES, json={"mobile": MOBILE})
    now = datetime.now(CHINA_TIME)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), CHINA_TIME)
    assert response.status_code == 429
    assert abs(int(response.headers["Retry-After"]) - (midnight - now).total_seconds()) <= 2


def test_an_unreachable_provider_is_a_502(client, db_session, tencent_sms, app, monkeypatch):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setitem(app.config, "SMS_ENDPOINT", f"127.0.0.1:{port}")
    response = client.post(CODES, json={"mobile": MOBILE})
    assert response.status_code == 502
    assert db_session.scalars(select(SmsChallenge)).all() == []


def test_a_failed_send_keeps_the_code_the_number_already_had(db_session, tencent_sms):
    service.request_code(MOBILE, ADDRESS, now=T0)
    first = delivered_code(tencent_sms)
    tencent_sms.refuse_next(status="InvalidParameterValue.IncorrectPhoneNumber")
    with pytest.raises(SmsUnavailable):
        service.request_code(MOBILE, ADDRESS, now=T0 + timedelta(minutes=2))
    assert service.sign_in(MOBILE, first, now=T0 + timedelta(minutes=3))


def test_no_log_record_holds_the_phone_number(client, tencent_sms, app, monkeypatch, log_records):
    client.post(CODES, json={"mobile": MOBILE})
    client.post(CODES, json={"mobile": MOBILE})
    client.post(SIGN_IN, json={"mobile": MOBILE, "code": "000000"})
    client.post(SIGN_IN, json={"mobile": MOBILE, "code": delivered_code(tencent_sms)})
    tencent_sms.refuse_next(status="InvalidParameterValue.IncorrectPhoneNumber")
    client.post(CODES, json={"mobile": "13800138000"})
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "log")
    client.post(CODES, json={"mobile": "13700137000"})
    lines = log_records()
    assert {line["logger"] for line in lines} >= {"medshare.sms", "medshare.request"}
    logged = json.dumps(lines)
    for number in (MOBILE, "13800138000", "13700137000"):
        assert number not in logged
    assert "137****7000" in logged


def test_concurrent_sends_to_one_number_send_once(app, tencent_sms):
    """Two requests for the same number at once: the second waits for the first, then counts it.

    This runs outside the rolled-back transaction (the two requests need their own), so it
    deletes what it wrote.
    """
    tencent_sms.gate = threading.Event()
    results = {}

    def request(name: str, address: str) -> None:
        with app.app_context():
            try:
                results[name] = service.request_code(MOBILE, address)
            except SmsLimitReached as error:
                results[name] = error

    first = threading.Thread(target=request, args=("first", ADDRESS))
    second = threading.Thread(target=request, args=("second", "198.51.100.1"))
    try:
        first.start()
        assert tencent_sms.arrived.wait(timeout=10)
        second.start()
        assert _an_advisory_lock_is_awaited(app), "the second send did not wait for the first"
    finally:
        tencent_sms.gate.set()
        for thread in (first, second):
            if thread.is_alive():
                thread.join(timeout=10)
        with app.app_context():
            digest = lookup_digest("mobile", MOBILE, app.config["LOOKUP_HMAC_KEY"])
            db.session.execute(delete(SmsChallenge).where(SmsChallenge.mobile_hmac == digest))
            db.session.commit()
    assert isinstance(results["first"], service.CodeSent)
    assert results["second"].headers["Retry-After"] in {"59", "60"}
    assert len(tencent_sms.sent) == 1


def _an_advisory_lock_is_awaited(app, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    with app.app_context(), db.engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.execute(WAITING_ADVISORY_LOCKS).scalar():
                return True
            time.sleep(0.02)
    return False


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(db_session):
    proxied = create_app("test", TRUSTED_PROXIES=1, SMS_CLIENT_SENDS_PER_HOUR=1)
    client = proxied.test_client()

    def send(mobile: str, address: str) -> int:
        headers = {"X-Forwarded-For": address}
        return client.post(CODES, json={"mobile": mobile}, headers=headers).status_code

    assert send("13800138001", "198.51.100.1") == 202
    assert send("13800138002", "198.51.100.2") == 202
    assert send("13800138003", "198.51.100.1") == 429
