"""The review page in a real headless Chromium: sign in with password and TOTP, claim an item,
choose a decision with a keyboard shortcut, decide, and find the decision in the audit trail.

The app is served by a real HTTP server on a free loopback port, against a database of its own
(BROWSER_TEST_DATABASE_URL; `make test` makes it afresh each run): the browser needs committed
rows, and the audit trail refuses the DELETE that cleaning up would need. Screenshots of each
main screen go to tests/artifacts/screenshots/.
"""

import os
import threading
import time
from pathlib import Path

import pyotp
import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.auth.models import User, UserVerification
from app.catalog.service import load_edition
from app.extensions import db
from app.me.service import grant_consent, policies
from app.moderation.cases import open_case_of
from app.posts.create import create_post
from app.posts.presenter import Reader
from app.posts.schemas import PostCreateSchema
from app.staff import service
from config import TestConfig
from tests.posts.conftest import offer_body
from tests.staff.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
DATABASE_URL = os.environ.get(
    "BROWSER_TEST_DATABASE_URL", TestConfig.SQLALCHEMY_DATABASE_URI + "_browser"
)
OWNER_URL = os.environ.get(
    "BROWSER_TEST_DATABASE_OWNER_URL", TestConfig.DATABASE_OWNER_URL + "_browser"
)
SALE_NOTE = "布洛芬 10 片，价格 20 元，加我V信 yaoyao_2022"
REASON = "出售药品，违反平台免费分享的规则"
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def served():
    """The app on the browser's database, migrated, with a held post and a moderator; served
    over HTTP from a thread. Yields (base URL, the moderator's credentials, the item's id)."""
    app = create_app("test", SQLALCHEMY_DATABASE_URI=DATABASE_URL, DATABASE_OWNER_URL=OWNER_URL)
    with app.app_context():
        upgrade()
        load_edition()
        # Unique per run: a database kept from an earlier run still works.
        suffix = str(time.time_ns())[-9:]
        credentials = service.create_staff(f"mod.browser{suffix}", "moderator", PASSWORD)
        case_id = _held_post()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", credentials, case_id
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        with app.app_context():
            db.engine.dispose()


def _held_post() -> int:
    poster = User(
        display_name="刘*", verifications=[UserVerification(level="identity", provider="test")]
    )
    db.session.add(poster)
    db.session.flush()
    for purpose, policy in policies().items():
        grant_consent(poster, purpose, policy["current"])
    body = PostCreateSchema().load(offer_body(note=SALE_NOTE))
    answer, post_id, _created = create_post(poster, body, None, Reader())
    assert answer["status"] == "held"
    return open_case_of(post_id).id


@pytest.fixture
def page(tmp_path):
    """A Chromium tab with an empty profile of its own, in Chinese; console errors (a CSP
    violation among them) are collected on page.errors."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.errors = []
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.on("pageerror", lambda error: page.errors.append(str(error)))
            yield page
        finally:
            context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


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
