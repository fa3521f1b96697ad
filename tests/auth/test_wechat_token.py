"""WeChat's access token: fetched once, renewed before it expires, forced anew once if refused."""

import threading

import pytest

from app.auth.wechat import EXTENSION
from tests.auth.conftest import APP_ID, APP_SECRET, bind, force_refreshes
from tests.fakes.wechat import GET_PHONE_NUMBER, STABLE_TOKEN, FakeWeChat


def test_one_access_token_serves_many_bindings(client, wechat, sign_in):
    for code, number in (("a", "13912345678"), ("b", "13812345678")):
        _, pair = sign_in(client="wechat")
        assert bind(client, wechat, pair.access_token, code, number).status_code == 200
    assert force_refreshes(wechat) == [False]
    (seen,) = wechat.calls(STABLE_TOKEN)
    assert seen.body == {
        "grant_type": "client_credential",
        "appid": APP_ID,
        "secret": APP_SECRET,
        "force_refresh": False,
    }


def test_an_access_token_is_renewed_shortly_before_it_expires(app, client, wechat, sign_in):
    wechat.token_lifetime = app.config["WECHAT_TOKEN_RENEW_SECONDS"]
    for code, number in (("a", "13912345678"), ("b", "13812345678")):
        _, pair = sign_in(client="wechat")
        assert bind(client, wechat, pair.access_token, code, number).status_code == 200
    assert force_refreshes(wechat) == [False, False]


@pytest.mark.parametrize(
    "spoil", [FakeWeChat.expire_token, FakeWeChat.replace_token], ids=["42001", "40001"]
)
def test_a_refused_access_token_is_force_refreshed_once_and_the_call_retried(
    client, wechat, sign_in, spoil
):
    _, pair = sign_in(client="wechat")
    bind(client, wechat, pair.access_token, "first", "13912345678")
    spoil(wechat)
    response = bind(client, wechat, pair.access_token, "second", "13812345678")
    assert response.status_code == 200
    assert response.json["phone_masked"] == "138****5678"
    assert force_refreshes(wechat) == [False, True]
    assert len(wechat.calls(GET_PHONE_NUMBER)) == 3


@pytest.mark.parametrize("errcode", [42001, 40001])
def test_a_token_refused_again_after_renewal_is_an_error_not_a_loop(
    client, wechat, sign_in, errcode
):
    _, pair = sign_in(client="wechat")
    wechat.script(GET_PHONE_NUMBER, errcode, errcode, errcode)
    response = bind(client, wechat, pair.access_token)
    assert response.status_code == 502
    assert response.json["code"] == "wechat_unavailable"
    assert force_refreshes(wechat) == [False, True]
    assert len(wechat.calls(GET_PHONE_NUMBER)) == 2


def test_a_busy_token_service_answers_503(client, wechat, sign_in):
    _, pair = sign_in(client="wechat")
    wechat.script(STABLE_TOKEN, -1)
    response = bind(client, wechat, pair.access_token)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert wechat.calls(GET_PHONE_NUMBER) == []


def in_threads(app, wechat, codes) -> list:
    """Ask for each code's number at once, each from a thread of its own; returns the numbers."""
    numbers, failures = [], []

    def ask(code):
        with app.app_context():
            try:
                numbers.append(app.extensions[EXTENSION].mainland_mobile(code))
            except Exception as error:  # collected, so the test says what failed
                failures.append(error)

    threads = [threading.Thread(target=ask, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return numbers


def add_phones(wechat, count: int, stem: str) -> list[str]:
    """Codes for numbers stem0, stem1...; stem is a mainland mobile's first ten digits."""
    codes = [f"{stem}-{index}" for index in range(count)]
    for index, code in enumerate(codes):
        wechat.add_phone(code, f"{stem}{index}")
    return codes


def test_concurrent_callers_share_one_token_request(app, wechat):
    wechat.token_delay = 0.2
    codes = add_phones(wechat, 6, "1391234567")
    assert len(in_threads(app, wechat, codes)) == len(codes)
    assert force_refreshes(wechat) == [False]


def test_callers_refused_together_force_one_refresh_between_them(app, wechat):
    in_threads(app, wechat, add_phones(wechat, 1, "1391234567"))
    wechat.expire_token()
    # While the first refused caller renews, the others pile up behind it and then take its
    # token, rather than each forcing one of WeChat's 20 daily forced refreshes.
    wechat.token_delay = 0.2
    codes = add_phones(wechat, 6, "1381234567")
    assert len(in_threads(app, wechat, codes)) == len(codes)
    assert force_refreshes(wechat) == [False, True]
