"""The review page in a real headless Chromium: sign in with password and TOTP, claim an item,
choose a decision with a keyboard shortcut, decide, and find the decision in the audit trail.

The app is served over HTTP against the browser's own database (see conftest.py); screenshots
of each main screen go to tests/artifacts/screenshots/.
"""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from app.moderation.cases import open_case_of
from app.staff import service
from tests.browser.conftest import (
    browser_app,
    chromium_page,
    post_by_a_verified_poster,
    serving,
    shoot,
)
from tests.posts.conftest import offer_body
from tests.staff.conftest import PASSWORD

SALE_NOTE = "布洛芬 10 片，价格 20 元，加我V信 yaoyao_2022"
REASON = "出售药品，违反平台免费分享的规则"


@pytest.fixture(scope="module")
def served():
    """The app with a held post and a moderator, served over HTTP. Yields (base URL, the
    moderator's credentials, the item's id)."""
    app = browser_app()
    with app.app_context():
        # Unique per run: a database kept from an earlier run still works.
        suffix = str(time.time_ns())[-9:]
        credentials = service.create_staff(f"mod.browser{suffix}", "moderator", PASSWORD)
        case_id = _held_post()
    with serving(app) as base_url:
        yield base_url, credentials, case_id


def _held_post() -> int:
    post = post_by_a_verified_poster(offer_body(note=SALE_NOTE))
    assert post.status == "held"
    return open_case_of(post.id).id


@pytest.fixture
def page(tmp_path):
    """A Chromium tab in Chinese, on a desktop-sized window."""
    with chromium_page(
        tmp_path / "profile", locale="zh-CN", viewport={"width": 1280, "height": 900}
    ) as page:
        yield page


def test_a_moderator_signs_in_claims_decides_by_shortcut_and_sees_the_audit_entry(served, page):
    base, credentials, case_id = served

    page.goto(f"{base}/moderation/sign-in")
    expect(page.locator("h1")).to_have_text("工作人员登录")
    shoot(page, "1-sign-in")
    page.fill("#username", credentials.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#code", pyotp.TOTP(credentials.totp_secret).now())
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(credentials.username)

    page.click("a[href='/moderation/queue']")
    row = page.locator(f"#case-{case_id}")
    expect(row).to_contain_text("发布筛查")
    expect(row).to_contain_text("price_amount")
    shoot(page, "2-queue")

    row.locator("a").click()
    expect(page.locator("#original-note mark.rule").first).to_be_visible()
    expect(page.locator("#original-note mark.pd-wechat")).to_have_text("yaoyao_2022")
    page.keyboard.press("c")  # claim, by its shortcut
    expect(page.locator("#lease-holder")).to_contain_text(f"{credentials.username} 领取中")
    # The claim reloaded the page; its deferred script must listen before the next key, which a
    # busy machine otherwise delivers first.
    page.wait_for_load_state()

    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_have_attribute("open", "")
    page.keyboard.press("h")  # hide: chosen, and the cursor waits in the reason box
    expect(page.locator("#decision-hide")).to_be_checked()
    expect(page.locator("#reason")).to_be_focused()
    # Letters typed in the reason are words, not shortcuts: "a" must not switch to approve.
    page.keyboard.type("a ")
    expect(page.locator("#decision-hide")).to_be_checked()
    page.keyboard.type(REASON)
    shoot(page, "3-item")
    page.click("#decide")

    expect(page.locator("p.notice")).to_contain_text("已处理")
    entry = page.locator("#trail tr.action-decide-hide")
    expect(entry).to_contain_text(credentials.username)
    expect(entry).to_contain_text("a " + REASON)
    expect(entry).to_contain_text("处理为“隐藏”")
    expect(entry).to_contain_text("信息状态: 已隐藏")
    shoot(page, "4-after-decision")
    assert page.errors == []
