"""A partner's web page may frame the H5 square of its link (/h5/?partner=<public id>) only from
an origin the partner registered, and only such pages may call the API from a browser: in
Debian's Chromium, pages on two other loopback origins, one registered and one not, each frame
the square and fetch the API."""

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import browser_app, chromium_page, partner_link, serving, shoot
from tests.fakes.partner_page import partner_page
from tests.fakes.server import serve

PARTNER_NAME = "嵌入测试服务号"
# What a page's script learns of a cross-origin call: the status, or the error it rejects with.
FETCH = """async url => {
  try {
    return String((await fetch(url)).status);
  } catch (error) {
    return error.name;
  }
}"""


@pytest.fixture(scope="module")
def framing():
    """The app, and two partner pages on origins of their own: the first registered by the
    partner, the second by nobody. Yields (base URL, the link's public id, registered origin,
    unregistered origin)."""
    app = browser_app()
    with serve(partner_page) as registered, serve(partner_page) as unregistered:
        with app.app_context():
            link = partner_link(
                "h5-framing",
                {"name": PARTNER_NAME, "contact": "测试联系人", "origins": [registered]},
            )
        with serving(app) as base_url:
            app.config["H5_ORIGIN"] = base_url
            yield base_url, link, registered, unregistered


def open_framed(page: Page, origin: str, base: str, link: str) -> None:
    page.goto(f"{origin}/?frame={quote(f'{base}/h5/?partner={link}', safe='')}")


def fetch_square(page: Page, base: str) -> str:
    """What the page's script gets of a fetch of the square: its status, or the error name."""
    return page.evaluate(FETCH, f"{base}/api/v1/posts")


def test_a_page_of_a_registered_origin_frames_the_square_and_calls_the_api(framing, tmp_path):
    base, link, registered, _ = framing
    with chromium_page(tmp_path / "profile", locale="zh-CN") as page:
        open_framed(page, registered, base, link)
        square = page.frame_locator("iframe")
        expect(square.locator(".header__partner")).to_have_text(f"来自{PARTNER_NAME}的链接")
        expect(square.locator("ul.posts")).to_have_attribute("aria-busy", "false")
        shoot(page, "h5-framed-by-a-registered-origin")
        with page.expect_response(f"{base}/api/v1/posts") as answered:
            assert fetch_square(page, base) == "200"
        assert answered.value.headers["access-control-allow-origin"] == registered
        assert page.errors == []


def test_a_page_of_an_unregistered_origin_may_neither_frame_the_square_nor_call_the_api(
    framing, tmp_path
):
    base, link, _, unregistered = framing
    with chromium_page(tmp_path / "profile", locale="zh-CN") as page:
        with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
            open_framed(page, unregistered, base, link)
        (frame,) = page.main_frame.child_frames
        # Chromium shows its own error page in the frame instead of the square.
        expect(page.frame_locator("iframe").locator(".header")).to_have_count(0)
        assert frame.url.startswith("chrome-error://")
        shoot(page, "h5-framed-by-an-unregistered-origin")
        # The API answered, without Access-Control-Allow-Origin: the browser keeps the answer
        # from the page's script, whose fetch rejects.
        no_cors = "No 'Access-Control-Allow-Origin' header is present"
        with page.expect_console_message(lambda message: no_cors in message.text):
            assert fetch_square(page, base) == "TypeError"
