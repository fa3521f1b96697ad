"""The H5 square's page: served at /h5/ in the language of ?lang=, its script and styles only
from this origin under a CSP that allows no inline script, framed by nobody but the registered
origins of the partner its ?partner= names."""

import re

import pytest

from app.h5 import routes
from app.partners import service
from tests.partners.conftest import PARTNER_ORIGIN, UNUSABLE_LINKS

PAGE = "/h5/"


def test_the_page_is_chinese_by_default_and_english_with_lang_en(client):
    chinese = client.get(PAGE)
    assert chinese.status_code == 200
    assert '<html lang="zh-CN">' in chinese.text
    assert "<title>药品互助广场</title>" in chinese.text
    english = client.get(PAGE, query_string={"lang": "en"})
    assert '<html lang="en">' in english.text
    assert "<title>Medicine sharing square</title>" in english.text


def policy_directives(answer) -> dict[str, str]:
    policy = answer.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_page_runs_only_scripts_from_here_and_cannot_be_framed(client):
    directives = policy_directives(client.get(PAGE))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def frame_policy(client, partner_public_id: str) -> str:
    answer = client.get(PAGE, query_string={"partner": partner_public_id})
    assert answer.status_code == 200
    return policy_directives(answer)["frame-ancestors"]


def test_a_partners_link_may_be_framed_by_exactly_its_registered_origins(client, partner, linked):
    assert frame_policy(client, linked) == PARTNER_ORIGIN
    # The page says who may frame it: the older header would forbid them all.
    assert "X-Frame-Options" not in client.get(PAGE, query_string={"partner": linked}).headers
    more = [PARTNER_ORIGIN, "https://m.health.shenzhen.example"]
    service.update_partner(partner, {"origins": more})
    assert frame_policy(client, linked) == " ".join(more)
    service.update_partner(partner, {"origins": []})
    assert frame_policy(client, linked) == "'none'"


@pytest.mark.parametrize("how", UNUSABLE_LINKS)
def test_a_link_naming_no_working_public_key_may_be_framed_by_nobody(client, unusable_link, how):
    assert frame_policy(client, unusable_link(how)) == "'none'"


def test_the_page_has_no_inline_script_and_loads_nothing_from_elsewhere(client):
    html = client.get(PAGE).text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attributes, body in scripts:
        assert body.strip() == ""
        assert 'type="module"' in attributes
    for source in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert source.startswith("/h5/assets/"), source
        with client.get(source) as asset:
            assert asset.status_code == 200


def test_assets_are_versioned_by_the_build(client):
    html = client.get(PAGE).text
    (version,) = set(re.findall(r"\?v=([0-9a-f]{12})", html))
    assert version == routes.build_id()
    with client.get(f"/h5/assets/app.js?v={version}") as asset:
        assert asset.mimetype in ("text/javascript", "application/javascript")
        assert "immutable" in asset.headers["Cache-Control"]


def test_without_a_slash_the_page_redirects_keeping_its_query(client):
    answer = client.get("/h5", query_string={"lang": "en", "region": "440305"})
    assert answer.status_code == 308
    assert answer.headers["Location"] == "/h5/?lang=en&region=440305"


def test_an_unknown_asset_is_a_page_not_problem_json(client):
    answer = client.get("/h5/assets/nothing.js")
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


@pytest.fixture
def unbuilt(monkeypatch, tmp_path):
    monkeypatch.setattr(routes, "BUILD_DIR", str(tmp_path))


def test_a_server_whose_page_was_never_built_says_to_run_make(client, unbuilt):
    answer = client.get(PAGE, query_string={"lang": "en"}, headers={"Accept-Language": "en"})
    assert answer.status_code == 503
    assert answer.mimetype == "text/html"
    assert "run make" in answer.text
