"""wx.config's signature for the H5 page: WeChat's published example, the ticket kept and renewed
before it expires, and only our own pages signed."""

import hashlib

import pytest

from app.h5.jssdk import signature
from tests.conftest import H5_ORIGIN, OA_APP_ID
from tests.fakes.wechat import GET_TICKET, STABLE_TOKEN

JSSDK = "/api/v1/wechat/jssdk-config"
PAGE = f"{H5_ORIGIN}/h5/?lang=en&partner=pk_123"


def config_for(client, url=PAGE):
    return client.get(JSSDK, query_string={"url": url})


def test_the_signature_matches_wechats_published_example():
    assert (
        signature(
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "Wm3WZYTPz0wzccnW",
            1414587457,
            "http://mp.weixin.qq.com?params=value",
        )
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )


def test_a_page_gets_what_wx_config_needs_signed_with_the_ticket(client, wechat):
    answer = config_for(client, PAGE + "#post-42")
    assert answer.status_code == 200
    assert set(answer.json) == {"appId", "timestamp", "nonceStr", "signature"}
    assert answer.json["appId"] == OA_APP_ID
    signed = (
        f"jsapi_ticket={wechat.ticket}&noncestr={answer.json['nonceStr']}"
        f"&timestamp={answer.json['timestamp']}&url={PAGE}"
    )
    expected = hashlib.sha1(signed.encode(), usedforsecurity=False).hexdigest()
    assert answer.json["signature"] == expected
    (seen,) = wechat.calls(GET_TICKET)
    assert seen.query["type"] == "jsapi"


def test_each_answer_has_its_own_nonce(client, wechat):
    first, second = config_for(client).json, config_for(client).json
    assert first["nonceStr"] != second["nonceStr"]


def test_the_ticket_and_the_token_are_fetched_once_for_many_pages(client, wechat):
    for _ in range(3):
        assert config_for(client).status_code == 200
    assert len(wechat.calls(GET_TICKET)) == 1
    assert [seen.body["appid"] for seen in wechat.calls(STABLE_TOKEN)] == [OA_APP_ID]


def test_the_ticket_is_renewed_shortly_before_it_expires(app, client, wechat):
    wechat.ticket_lifetime = app.config["WECHAT_TOKEN_RENEW_SECONDS"]
    config_for(client)
    config_for(client)
    assert len(wechat.calls(GET_TICKET)) == 2
    assert len(wechat.calls(STABLE_TOKEN)) == 1


def test_a_refused_access_token_is_renewed_and_the_ticket_asked_again(app, client, wechat):
    # Tickets that live no longer than the renewal margin are fetched for every page.
    wechat.ticket_lifetime = app.config["WECHAT_TOKEN_RENEW_SECONDS"]
    config_for(client)
    wechat.replace_token(OA_APP_ID)
    assert config_for(client).status_code == 200
    assert [seen.body["force_refresh"] for seen in wechat.calls(STABLE_TOKEN)] == [False, True]
    assert len(wechat.calls(GET_TICKET)) == 3


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/h5/",
        "http://h5.medshare.test/h5/",
        "https://h5.medshare.test:8443/h5/",
        f"{H5_ORIGIN}/moderation/",
        f"{H5_ORIGIN}/",
        "/h5/",
        "https://h5.medshare.test:notaport/h5/",
    ],
)
def test_only_pages_of_the_square_on_our_origin_are_signed(client, wechat, url):
    answer = config_for(client, url)
    assert answer.status_code == 422
    assert answer.json["errors"] == {"url": ["不是信息广场 H5 页面的地址。"]}
    assert wechat.seen == []


def test_a_busy_ticket_service_answers_503_with_retry_after(client, wechat):
    wechat.script(GET_TICKET, -1)
    answer = config_for(client)
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "5")


def test_a_server_without_the_official_account_says_so(client, wechat, monkeypatch):
    monkeypatch.setitem(client.application.config, "WECHAT_OA_APP_SECRET", "")
    answer = config_for(client)
    assert (answer.status_code, answer.json["code"]) == (503, "wechat_web_not_configured")
    assert wechat.seen == []


def test_the_url_is_required(client, wechat):
    answer = client.get(JSSDK)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"url"}
