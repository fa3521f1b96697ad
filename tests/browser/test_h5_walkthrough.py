"""The H5 square in a real headless Chromium at 360 x 740 with a fixed position, in both languages:
browse nearest first, filter by a medicine found by its pinyin initials, sign in by SMS, give the
consents, verify, post an offer (after a field error shown at its field), see it on the square,
reveal another post's contact and mark the offer resolved. The same walk inside a WeChat-like
browser (WeChat's user agent and a stubbed `wx`) comes by a partner's link (?partner=), as from
its official account's menu: it names the partner, opens on the partner's preset region, signs
in through the fake WeChat's web authorisation, locates itself with wx.getLocation in GCJ-02 and
posts in the partner's channel; a link whose key is revoked while it is open goes on as
MedShare's own square. axe-core finds no serious accessibility violation on any view of the
walks, and no view logs a console error (a CSP refusal among them).
"""

import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.areas.service import load_districts
from app.extensions import db
from app.h5.jssdk import signature
from app.partners import service as partners
from app.partners.models import Partner
from app.posts.models import Post
from geo.coordinates import from_wgs84
from geo.points import LonLat
from tests.browser.conftest import (
    browser_app,
    chromium_page,
    partner_link,
    post_by_a_verified_poster,
    serving,
    shoot,
)
from tests.conftest import OA_APP_ID, OA_APP_SECRET, logged_code
from tests.fakes.server import serve
from tests.fakes.wechat import FakeWeChat
from tests.me.numbers import resident_id
from tests.posts.conftest import need_body, offer_body

AXE = Path(__file__).resolve().parents[2] / "app/h5/web/node_modules/axe-core/axe.min.js"
# Futian, Shenzhen, as a phone's GPS gives it.
HERE = LonLat(114.0579, 22.5431)
WECHAT_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
MOBILE_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0.0.0 Mobile Safari/537.36"
)
SERIOUS = ("serious", "critical")
# Each walk verifies a document of its own: one document verifies one account.
WALKERS = [("zh", False), ("en", False), ("zh", True)]
# The partner whose official account links to the square inside WeChat, preset to the district
# the walk's posts are in.
PARTNER_CODE = "h5-walk"
PARTNER_NAME = "福田社区服务号"
FUTIAN = {"code": "440304", "name": "福田区"}
# What the walk reads, in each language.
WORDS = {
    "zh": {
        "locate": "使用我的位置",
        "here": "当前位置",
        "ibuprofen": "布洛芬",
        "send_code": "获取验证码",
        "sign_in": "登录",
        "consent": "同意“",
        "given": "已同意",
        "verify": "提交认证",
        "verified": "已完成实名认证",
        "publish": "发布",
        "own": "这是你发布的信息",
        "reveal": "查看联系方式",
        "resolve": "标记为已解决",
        "resolved": "已解决",
        "square": "广场",
        "me": "我的",
        "new": "发布",
        "mobile": "手机号",
        "code": "验证码",
        "phone_error": "中国大陆手机号",
        "via": "来自{name}的链接",
        "area": "区域：{name}",
    },
    "en": {
        "locate": "Use my location",
        "here": "Where you are",
        "ibuprofen": "Ibuprofen",
        "send_code": "Send code",
        "sign_in": "Sign in",
        "consent": "Consent to “",
        "given": "Given",
        "verify": "Verify",
        "verified": "Your identity is verified",
        "publish": "Post",
        "own": "You posted this",
        "reveal": "Show contact details",
        "resolve": "Mark resolved",
        "resolved": "Resolved",
        "square": "Square",
        "me": "Me",
        "new": "Post",
        "mobile": "Mobile number",
        "code": "Code",
        "phone_error": "mainland mobile number",
        "via": "via {name}",
        "area": "Area: {name}",
    },
}
# A wx object as WeChat's browser injects it, answering from the test's values (__WX__).
WX_STUB = """
window.__wx = {configs: [], opened: []};
window.wx = window.jWeixin = {
  config(options) { window.__wx.configs.push(options); },
  ready(callback) { setTimeout(callback, 0); },
  error() {},
  getLocation(options) {
    const found = {latitude: __WX__.lat, longitude: __WX__.lng, accuracy: 30};
    setTimeout(() => options.success(found), 0);
  },
  openLocation(options) { window.__wx.opened.push(options); },
};
"""


class Square(NamedTuple):
    base: str
    app: Flask
    fake: FakeWeChat
    # The nearby ibuprofen offer, whose contact is 15400001111.
    offer_id: int
    # The public id of the partner's public embed key: its links' ?partner=.
    link: str


@pytest.fixture(scope="module")
def square():
    """The app with districts, three posts around HERE and a partner preset to their district,
    and a fake WeChat (official account) it signs in and configures the JS-SDK through."""
    fake = FakeWeChat(
        "wx-mini-program-browser",
        "mini-program-secret",
        oa_app_id=OA_APP_ID,
        oa_app_secret=OA_APP_SECRET,
        web_domains=("127.0.0.1",),
    )
    with serve(fake) as wechat_url:
        app = browser_app(
            WECHAT_API_BASE_URL=wechat_url,
            WECHAT_OPEN_BASE_URL=wechat_url,
            WECHAT_OA_APP_ID=OA_APP_ID,
            WECHAT_OA_APP_SECRET=OA_APP_SECRET,
            # The walks' codes all come from one address, run after run on a kept database.
            SMS_CLIENT_SENDS_PER_HOUR=1000,
        )
        with app.app_context():
            load_districts()
            offer = post_by_a_verified_poster(
                offer_body(location=_near(0.004), contact_phone="15400001111", note="多的一盒")
            )
            post_by_a_verified_poster(
                need_body(location=_near(0.010), contact_phone="15400002222", note="孩子发烧")
            )
            post_by_a_verified_poster(
                offer_body(
                    items=[
                        {
                            "medicine": "antigen-test",
                            "quantity": 2,
                            "unit": "test",
                            "pack_expires_on": _days_on(120),
                            "sealed": True,
                        }
                    ],
                    location=_near(0.020),
                    contact_phone="15400003333",
                )
            )
            offer_id = offer.id
            link = partner_link(
                PARTNER_CODE,
                {"name": PARTNER_NAME, "contact": "街道办", "region_codes": [FUTIAN["code"]]},
            )
        with serving(app) as base_url:
            app.config["H5_ORIGIN"] = base_url
            yield Square(base_url, app, fake, offer_id, link)
        fake.release()


def _near(degrees_north: float) -> dict:
    return {"lat": HERE.lat + degrees_north, "lng": HERE.lon}


def _days_on(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _unique_person(index: int) -> tuple[str, str]:
    """A mobile number and identity number no earlier run or walk used."""
    stamp = time.time_ns() // 1000
    mobile = f"139{stamp % 10**8:08d}"
    birth = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=(stamp // 1000) % 12000)
    return mobile, resident_id(birth=birth.strftime("%Y%m%d"), sequence=f"{index:03d}")


def metres(distance: str) -> float:
    """A rounded distance as the square writes it ("< 500 米", "600 m", "1.2 公里") in metres."""
    number = float(re.search(r"[\d.]+", distance)[0])
    return number * 1000 if re.search(r"公里|km", distance) else number


def serious_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')),
                        help: v.help}))"""
    )
    return [violation for violation in found if violation["impact"] in SERIOUS]


def check(page: Page, name: str) -> None:
    """A screenshot of the step, and no serious accessibility violation on it."""
    shoot(page, name)
    assert serious_violations(page) == [], name


def page_query(language: str, link: str | None) -> str:
    """The page's query string: its language, and the partner's link it came by."""
    params = {"lang": "en"} if language == "en" else {}
    if link is not None:
        params["partner"] = link
    return f"?{urlencode(params)}" if params else ""


def walk(
    page: Page, base: str, language: str, log_records, offer_id: int, wechat=False, link=None
) -> int:
    """The walk both browsers take, by a partner's link if given; returns the id of the offer
    it posted."""
    words = WORDS[language]
    prefix = f"h5-{'wechat' if wechat else language}"
    query = page_query(language, link)
    # The English walk comes by a link narrowed to the district the posts are in (福田区).
    region = f"&region={FUTIAN['code']}" if language == "en" else ""
    page.goto(f"{base}/h5/{query}{region}")
    if language == "en" or link is not None:
        # Named by ?region=, or the preset region of the link's partner.
        expect(page.locator(".area__now")).to_have_text(words["area"].format(**FUTIAN))
    if link is not None:
        # Said discreetly, under the page's name.
        expect(page.locator(".header__partner")).to_have_text(
            words["via"].format(name=PARTNER_NAME)
        )
    if wechat:
        # Silently through WeChat's authorisation and back, to a clean URL.
        expect(page.locator(".nav")).to_be_visible()
        assert "code=" not in page.url and "state=" not in page.url

    # Browse nearest first.
    page.get_by_role("button", name=words["locate"]).click()
    expect(page.locator(".place__where")).to_contain_text(words["here"])
    expect(page.locator("ul.posts")).to_have_attribute("aria-busy", "false")
    expect(page.locator(".post-card__distance").first).to_be_visible()
    expect(page.locator(f"a[href='#/posts/{offer_id}']")).to_be_visible()
    distances = [metres(text) for text in page.locator(".post-card__distance").all_inner_texts()]
    assert len(distances) == page.locator(".post-card").count()
    assert distances == sorted(distances), distances
    expect(page.locator(".map__post")).not_to_have_count(0)
    check(page, f"{prefix}-1-square-nearest")

    # Filter by a medicine found by its pinyin initials.
    page.get_by_role("searchbox").first.fill("blf")
    page.locator(".suggestion", has_text=words["ibuprofen"]).click()
    expect(page.locator(".chip")).to_contain_text(words["ibuprofen"])
    # The need and the antigen tests are gone; every post left offers ibuprofen.
    expect(page.locator("ul.posts")).to_have_attribute("aria-busy", "false")
    expect(page.locator(".post-card_need")).to_have_count(0)
    cards = page.locator(".post-card").all_inner_texts()
    assert cards and all(words["ibuprofen"] in card for card in cards), cards
    check(page, f"{prefix}-2-square-ibuprofen")

    if wechat:
        page.locator(".map__post").first.click()
        opened = page.evaluate("window.__wx.opened")
        assert opened and opened[0]["latitude"] and opened[0]["longitude"]
    page.get_by_role("link", name=words["me"], exact=True).click()
    if not wechat:
        # Sign in by SMS: the development provider writes the code to the log.
        mobile, _ = _unique_person(0)
        page.get_by_label(words["mobile"]).fill(mobile)
        page.get_by_role("button", name=words["send_code"]).click()
        expect(page.locator(".notice[role=status]").first).to_be_visible()
        page.get_by_label(words["code"]).fill(logged_code(log_records))
        page.get_by_role("button", name=words["sign_in"], exact=True).click()
    expect(page.locator(".consent")).to_have_count(3)
    check(page, f"{prefix}-3-signed-in")

    # Consents, then real-name verification.
    for index in range(3):
        page.locator(".consent").nth(index).get_by_role("button").click()
        expect(page.locator(".consent").nth(index)).to_contain_text(words["given"])
    _, document = _unique_person(WALKERS.index((language, wechat)))
    page.locator("input[autocomplete=name]").fill("欧阳娜娜")
    page.locator(".verify input[autocomplete=off]").fill(document)
    page.get_by_role("button", name=words["verify"]).click()
    expect(page.locator(".account")).to_contain_text(words["verified"])
    check(page, f"{prefix}-4-verified")

    # Post an offer; a number that is no mobile is refused next to its field first.
    page.get_by_role("link", name=words["new"], exact=True).click()
    page.locator(".item input[type=search]").fill("blf")
    page.locator(".suggestion", has_text=words["ibuprofen"]).click()
    page.locator(".item input[type=number]").fill("6")
    page.locator(".item input[type=date]").fill(_days_on(200))
    page.locator("[data-field=contact_phone] input").fill("12345")
    page.locator("[data-field=address_hint] input").fill("地铁站 1 号口")
    page.locator("form.compose button[type=submit]").click()
    phone_error = page.locator("[data-field=contact_phone] .field__error")
    expect(phone_error).to_contain_text(words["phone_error"])
    assert page.locator("[data-field=contact_phone] input").get_attribute("aria-invalid") == "true"
    check(page, f"{prefix}-5-field-error")
    page.locator("[data-field=contact_phone] input").fill("13900001234")
    page.locator("form.compose button[type=submit]").click()
    expect(page.locator(".owner")).to_contain_text(words["own"])
    posted_id = int(re.search(r"#/posts/(\d+)", page.url)[1])
    check(page, f"{prefix}-6-posted")

    # See it on the square, nearest first.
    page.get_by_role("link", name=words["square"], exact=True).click()
    expect(page.locator(f"a[href='#/posts/{posted_id}']")).to_be_visible()
    check(page, f"{prefix}-7-on-the-square")

    # Reveal another post's contact.
    page.locator(f"a[href='#/posts/{offer_id}']").click()
    page.get_by_role("button", name=words["reveal"]).click()
    expect(page.locator(".contact")).to_contain_text("15400001111")
    check(page, f"{prefix}-8-contact")

    # Mark one's own offer resolved: it leaves the square.
    page.goto(f"{base}/h5/{query}#/posts/{posted_id}")
    page.get_by_role("button", name=words["resolve"]).click()
    expect(page.locator(".status")).to_have_text(words["resolved"])
    check(page, f"{prefix}-9-resolved")
    page.get_by_role("link", name=words["square"], exact=True).click()
    expect(page.locator(f"a[href='#/posts/{offer_id}']")).to_be_visible()
    expect(page.locator(f"a[href='#/posts/{posted_id}']")).to_have_count(0)
    # The browser logs every 4xx answer; the one refused post is the only one expected.
    refused = [error for error in page.errors if "status of 422" in error]
    assert len(refused) == 1, page.errors
    assert [error for error in page.errors if error not in refused] == []
    return posted_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_square_walk_in_a_phone_browser(square, tmp_path, log_records, language):
    with chromium_page(
        tmp_path / "profile",
        locale="zh-CN" if language == "zh" else "en-GB",
        viewport={"width": 360, "height": 740},
        user_agent=MOBILE_AGENT,
        geolocation={"latitude": HERE.lat, "longitude": HERE.lon},
        permissions=["geolocation"],
    ) as page:
        posted = walk(page, square.base, language, log_records, square.offer_id)
    assert posted != square.offer_id
    with square.app.app_context():
        # No link, no partner: a post made on MedShare's own page is in the direct channel.
        assert db.session.get(Post, posted).partner_id is None


def test_the_square_walk_inside_wechat_by_a_partners_link_posts_in_its_channel(
    square, tmp_path, log_records
):
    here = from_wgs84(HERE, "gcj02")
    with chromium_page(
        tmp_path / "profile",
        locale="zh-CN",
        viewport={"width": 360, "height": 740},
        user_agent=WECHAT_AGENT,
    ) as page:
        page.add_init_script(
            WX_STUB.replace("__WX__", json.dumps({"lat": here.lat, "lng": here.lon}))
        )
        posted = walk(
            page, square.base, "zh", log_records, square.offer_id, wechat=True, link=square.link
        )
        (config,) = page.evaluate("window.__wx.configs")
    assert config["appId"] == OA_APP_ID
    assert config["jsApiList"] == ["getLocation", "openLocation"]
    # The partner's link came back from WeChat's authorisation as it left, and was signed so.
    page_url = f"{square.base}/h5/{page_query('zh', square.link)}"
    assert config["signature"] == signature(
        square.fake.ticket, config["nonceStr"], config["timestamp"], page_url
    )
    with square.app.app_context():
        channel = db.session.scalar(select(Partner.id).where(Partner.code == PARTNER_CODE))
        assert db.session.get(Post, posted).partner_id == channel


def test_a_link_whose_key_is_revoked_goes_on_as_medshares_own_square(square, tmp_path):
    with square.app.app_context():
        link = partners.issue_key(PARTNER_CODE, "public").key.public_id
    with chromium_page(
        tmp_path / "profile", locale="zh-CN", viewport={"width": 360, "height": 740}
    ) as page:
        page.goto(f"{square.base}/h5/?partner={link}")
        expect(page.locator(".header__partner")).to_be_visible()
        expect(page.locator(".post-card_need")).not_to_have_count(0)
        with square.app.app_context():
            partners.revoke_key(link, "leaked")
        # The next call is refused for its partner, and sent again without it.
        page.get_by_role("radio", name="分享").check()
        expect(page.locator(".post-card_need")).to_have_count(0)
        expect(page.locator(f"a[href='#/posts/{square.offer_id}']")).to_be_visible()
        page.reload()
        expect(page.locator(f"a[href='#/posts/{square.offer_id}']")).to_be_visible()
        expect(page.locator(".header__partner")).to_have_count(0)
        expect(page.locator(".area__now")).to_have_text("区域：不限")
        shoot(page, "h5-revoked-link")
        refused = [error for error in page.errors if "status of 422" in error]
        assert len(refused) == 2 and len(page.errors) == 2, page.errors
