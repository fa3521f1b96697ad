"""The review page: safe headers, Chinese or English, CSRF on every form, errors as HTML pages."""

import re

import pytest
from werkzeug.exceptions import InternalServerError

from app.i18n import _messages
from tests.staff.conftest import (
    CODE,
    EN,
    HOME,
    SIGN_IN,
    csrf_token,
    enter_password,
    forget_session,
    page_text,
    sign_in,
)

PAGES = _messages()["pages"]


def assert_page_headers(response):
    assert response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # Scripts only from the review page's own files: no inline script, no eval, no other host.
    assert "script-src 'self';" in policy and "unsafe-" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_send_headers_that_forbid_foreign_scripts_framing_referrers_and_caching(
    client, staff
):
    assert_page_headers(client.get(SIGN_IN))
    enter_password(client, "mod.li")
    assert_page_headers(client.get(CODE))
    sign_in(client, staff)
    assert_page_headers(client.get(HOME))
    assert_page_headers(client.get("/moderation/no-such-page"))


def test_pages_load_only_their_own_stylesheet_and_no_scripts(client, staff):
    sign_in(client, staff)
    for path in (SIGN_IN, HOME):
        html = page_text(client.get(path))
        assert "<script" not in html and " style=" not in html
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        for source in sources:
            assert source.startswith("/moderation/"), f"{source} would reach outside"
            with client.get(source) as asset:
                assert asset.status_code == 200


def test_pages_are_chinese_by_default(client):
    page = client.get(SIGN_IN)
    assert '<html lang="zh-CN">' in page_text(page)
    assert "工作人员登录" in page_text(page)
    assert page.headers["Content-Language"] == "zh-CN"


def test_pages_are_english_when_asked(client, staff):
    page = client.get(SIGN_IN, headers=EN)
    assert '<html lang="en">' in page_text(page)
    assert "Staff sign-in" in page_text(page) and "工作人员" not in page_text(page)
    assert page.headers["Content-Language"] == "en"
    sign_in(client, staff, headers=EN)
    home = page_text(client.get(HOME, headers=EN))
    assert "Hello, mod.li (moderator)." in home
    forget_session(client)
    failed = enter_password(client, "mod.li", "wrong password!", headers=EN)
    assert "The username, password or code is wrong." in page_text(failed)


@pytest.mark.parametrize("token", [None, "not-the-token", "forged.token.value"])
def test_a_form_without_its_csrf_token_is_refused_with_a_400_page(client, staff, token):
    client.get(SIGN_IN)
    fields = {"username": "mod.li", "password": "correct horse battery staple"}
    if token:
        fields["csrf_token"] = token
    refused = client.post(SIGN_IN, data=fields)
    assert refused.status_code == 400
    assert_page_headers(refused)
    assert "表单已失效" in page_text(refused)
    assert client.get(CODE).headers["Location"] == SIGN_IN, "the password was not checked"


def test_a_csrf_token_from_another_browser_is_refused(app, client, staff):
    other_browser = app.test_client()
    token = csrf_token(other_browser, SIGN_IN)
    client.get(SIGN_IN)
    refused = client.post(
        SIGN_IN, data={"username": "mod.li", "password": "x", "csrf_token": token}
    )
    assert refused.status_code == 400


def test_an_unknown_page_is_a_404_page_in_the_readers_language(client):
    chinese = client.get("/moderation/no-such-page")
    assert chinese.status_code == 404 and "未找到" in page_text(chinese)
    english = client.get("/moderation/no-such-page", headers=EN)
    assert english.status_code == 404 and "Not found" in page_text(english)
    assert english.headers["Content-Language"] == "en"
    assert english.headers["X-Request-ID"] in page_text(english)


def test_the_lock_out_page_is_html_with_retry_after(client, staff):
    for _ in range(5):
        enter_password(client, "mod.li", "wrong password!", headers=EN)
    locked = enter_password(client, "mod.li", headers=EN)
    assert locked.status_code == 429
    assert_page_headers(locked)
    assert "Too many failed sign-ins; try again in 15 minutes." in page_text(locked)
    assert locked.headers["Retry-After"]


def test_an_unexpected_error_on_a_page_is_a_500_page(app, db_session):
    with app.test_request_context("/moderation/", headers=EN):
        page = app.handle_user_exception(RuntimeError("boom"))
    assert page.status_code == 500
    assert page.mimetype == "text/html"
    assert "Internal server error" in page_text(page)


def test_the_same_error_under_the_api_stays_problem_json(app, db_session):
    with app.test_request_context("/api/v1/medicines"):
        answer = app.handle_user_exception(InternalServerError())
    assert answer.status_code == 500
    assert answer.mimetype == "application/problem+json"


def test_the_review_page_is_not_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert not [path for path in paths if path.startswith("/moderation")]


@pytest.mark.parametrize("key", sorted(PAGES))
def test_every_page_string_speaks_both_languages(key):
    assert PAGES[key]["zh"] and PAGES[key]["en"]
