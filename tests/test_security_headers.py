"""Every response carries the security headers: each GET route of the url map, pages, the API
docs page, JSON and errors; HSTS in production; cookies Secure (production), HttpOnly, SameSite."""

import base64
import hashlib
import re

import pytest

from app import create_app
from tests.staff.conftest import signed_in_browser
from tests.test_settings import PRODUCTION_SETTINGS

# A value for each converter: the route is reached, whether or not the thing exists.
SAMPLE_VALUES = {"int": "1", "path": "missing.css", "default": "x"}
CONVERTER = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")
DOCS = "/api/v1/docs"


def sample_url(rule: str) -> str:
    return CONVERTER.sub(
        lambda match: SAMPLE_VALUES.get(match.group(1) or "default", SAMPLE_VALUES["default"]),
        rule,
    )


def get_urls(app) -> list[str]:
    return sorted(
        {sample_url(rule.rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    )


def directives(policy: str) -> dict[str, str]:
    return dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("caller", ["nobody", "moderator"])
def test_every_get_route_answers_with_the_security_headers(app, client, catalog, caller):
    # A moderator reaches the review page's pages, which redirect anybody else.
    browser = client if caller == "nobody" else signed_in_browser(app, "mod.headers", caller)
    urls = get_urls(app)
    assert len(urls) > 40
    for url in urls:
        answer = browser.get(url)
        policy = answer.headers.get("Content-Security-Policy", "")
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", url
        assert answer.headers.get("Referrer-Policy") == "no-referrer", url
        assert "default-src 'none'" in policy, (url, policy)
        assert "frame-ancestors" in policy, (url, policy)
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
        assert "Strict-Transport-Security" not in answer.headers, url


def test_an_unknown_path_and_a_wrong_method_carry_them_too(client):
    for answer in (client.get("/no/such/page"), client.delete("/healthz")):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]


def test_the_api_docs_page_allows_its_own_files_and_exactly_its_inline_script(client):
    page = client.get(DOCS)
    policy = directives(page.headers["Content-Security-Policy"])
    scripts = re.findall(rb"<script>(.*?)</script>", page.get_data(), re.DOTALL)
    assert scripts
    hashes = {
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in scripts
    }
    assert set(policy["script-src"].split()) == {"'self'", *hashes}
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert page.headers["X-Frame-Options"] == "DENY"


def test_production_answers_say_https_only_for_a_year():
    app = create_app(
        "production", **PRODUCTION_SETTINGS, RATELIMIT_KEY_PREFIX="medshare_test_headers"
    )
    answer = app.test_client().get("/healthz")
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


@pytest.mark.parametrize("flag", ["HttpOnly", "SameSite=Lax"])
def test_the_staff_session_cookie_is_never_read_by_scripts_nor_sent_by_other_sites(
    app, db_session, flag
):
    browser = signed_in_browser(app, "mod.cookies", "moderator")
    answer = browser.get("/moderation/")
    set_cookie = answer.headers.get("Set-Cookie") or ""
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    assert flag.lower() in set_cookie.lower() or _flag_of(cookie, flag)


def _flag_of(cookie, flag: str) -> bool:
    return {"HttpOnly": cookie.http_only, "SameSite=Lax": cookie.same_site == "Lax"}[flag]
