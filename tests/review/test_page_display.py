"""The review pages show codes as words in the reader's language and every time as China time."""

import html as markup
import re
from pathlib import Path

import pytest

from app.china_time import CHINA_TIME
from app.i18n import has_page_text
from app.moderation.audit import trail
from app.moderation.cases import open_case_of
from app.moderation.models import DECISIONS, ModerationCase
from app.moderation.review.display import audit_action, label, snapshot_lines
from app.posts.models import URGENCY_TAGS
from tests.posts.conftest import need_body
from tests.review.conftest import QUEUE, SALE_NOTE, case_path
from tests.staff.conftest import EN, page_text

MODERATION_DIR = Path(__file__).parents[2] / "app" / "moderation"
# Action codes the moderation code hands to audit.record, directly or through cases.hold.
RECORDED_ACTION = re.compile(r'audit\.record\(\s*"([\w.]+)"|"(hold\.\w+)"')
PAGE_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
LABELS = {"zh": "（北京时间）", "en": " (China time)"}
LANGUAGES = {"zh": {"Accept-Language": "zh-CN"}, "en": EN}


def recorded_actions() -> set[str]:
    """Every audit action the moderation package can write: its literals, and decide.<each>."""
    found = {
        code
        for source in MODERATION_DIR.rglob("*.py")
        for match in RECORDED_ACTION.finditer(source.read_text(encoding="utf-8"))
        for code in match.groups()
        if code
    }
    return found | {f"decide.{decision}" for decision in DECISIONS}


def china(moment) -> str:
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def row_of(html: str, action: str) -> str:
    css = "action-" + action.replace(".", "-")
    return markup.unescape(re.search(rf'<tr class="{css}">(.*?)</tr>', html, re.S)[1])


def cells_of(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)


def test_the_action_codes_found_include_every_kind_the_trail_holds():
    assert {
        "claim",
        "release",
        "view_original",
        "report",
        "appeal",
        "hold.screening",
        "hold.reports",
        "hold.masked_note_edited",
        "edit.note",
        "decide.hide",
    } <= recorded_actions()


@pytest.mark.parametrize("action", sorted(recorded_actions()))
def test_every_recorded_audit_action_reads_as_words_in_chinese_and_english(app, action):
    shown = {}
    for language, headers in LANGUAGES.items():
        with app.test_request_context(headers=headers):
            shown[language] = audit_action(action)
    assert action not in shown.values()
    assert shown["zh"] != shown["en"]
    assert re.search(r"[\u4e00-\u9fff]", shown["zh"])


def test_a_decision_action_reads_through_the_decisions_own_label(app):
    with app.test_request_context(headers=EN):
        assert audit_action("decide.edit_masking") == "Decided: Edit masking"
    with app.test_request_context(headers=LANGUAGES["zh"]):
        assert audit_action("decide.dismiss_reports") == "处理为“驳回举报”"


@pytest.mark.parametrize("action", ["hold.flood", "decide.shrug", "teleport"])
def test_an_audit_action_without_words_shows_its_code(app, action):
    with app.test_request_context(headers=LANGUAGES["zh"]):
        assert audit_action(action) == action


@pytest.mark.parametrize("tag", URGENCY_TAGS)
def test_every_urgency_tag_has_words_in_both_languages(app, tag):
    shown = {}
    for language, headers in LANGUAGES.items():
        with app.test_request_context(headers=headers):
            shown[language] = label("urgency_", tag)
    assert has_page_text("urgency_" + tag)
    assert re.search(r"[\u4e00-\u9fff]", shown["zh"]) and shown["en"].isascii()


def test_a_snapshot_shows_every_key_as_words_and_unknown_ones_as_they_are(app):
    snapshot = {
        "reports": {"9": "dismissed", "12": "open"},
        "public_note": None,
        "poster_status": "banned",
        "lease_expires_at": "2026-11-23T14:25:32.118000+00:00",
        "mystery": 3,
        "rule_hits": [
            {"rule_id": "price_amount", "kind": "trading", "field": "note", "start": 3, "end": 7},
            {"rule_id": "sale_words", "kind": "trading", "field": "address_hint", "start": 0},
        ],
    }
    with app.test_request_context(headers=LANGUAGES["zh"]):
        assert snapshot_lines(snapshot) == [
            ("领取到期", "2026-11-23 22:25（北京时间）"),
            ("mystery", "3"),
            ("发布者账号", "已封禁"),
            ("审核员修改的遮蔽文字", "无"),
            ("举报", "#9 已驳回、#12 待处理"),
            ("命中规则", "price_amount（note）、sale_words（address_hint）"),
        ]
    with app.test_request_context(headers=EN):
        assert ("Reports", "#9 dismissed, #12 open") in snapshot_lines(snapshot)


@pytest.mark.parametrize(
    ("language", "expected"), [("zh", "老人、婴幼儿"), ("en", "elderly, infant")]
)
def test_item_page_names_the_urgency_tags_in_the_readers_language(
    moderator_at, poster, create, language, expected
):
    _user, headers = poster()
    made = create(headers, need_body(note=SALE_NOTE, urgency=["infant", "elderly"]))
    assert made.status_code == 201 and made.get_json()["status"] == "held", made.get_json()
    case_id = open_case_of(made.get_json()["id"]).id
    html = page_text(moderator_at().get(case_path(case_id), headers=LANGUAGES[language]))
    assert f'<dd id="post-urgency">{expected}</dd>' in html


def test_trail_shows_actions_as_words_and_before_and_after_as_key_value_lines(
    moderator_at, case_id
):
    staff = moderator_at()
    staff.claim(case_id)
    staff.decide(case_id, "hide", reason="出售药品")
    html = page_text(staff.get(case_path(case_id)))
    assert "查看原文" in cells_of(row_of(html, "view_original"))[2]
    held = cells_of(row_of(html, "hold.screening"))
    assert "命中规则，暂停公开" in held[2]
    assert "信息状态: 公开中" in held[4] and "信息状态: 待审核（未公开）" in held[5]
    _time, _who, action, reason, before, after = cells_of(row_of(html, "decide.hide"))
    assert "处理为“隐藏”" in action and reason == "出售药品"
    assert "事项状态: 待处理" in before and "事项状态: 已处理" in after
    assert "信息状态: 已隐藏" in after and "发布者账号: 正常" in after
    recorded = next(entry for entry in trail(case_id=case_id) if entry.action == "decide.hide")
    assert before.count("<li>") == len(recorded.before) and after.count("<li>") == len(
        recorded.after
    )
    assert "{" not in before + after and '": ' not in before + after


def test_trail_speaks_english_when_asked(moderator_at, case_id):
    staff = moderator_at()
    staff.claim(case_id)
    staff.decide(case_id, "hide", reason="selling")
    html = page_text(staff.get(case_path(case_id), headers=EN))
    _time, _who, action, _reason, before, after = cells_of(row_of(html, "decide.hide"))
    assert "Decided: Hide" in action
    assert "Post: held for review" in before and "Post: hidden" in after
    assert "Held: rules hit" in cells_of(row_of(html, "hold.screening"))[2]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_time_on_the_item_page_is_china_time_and_says_so(
    moderator_at, case_id, db_session, language
):
    staff = moderator_at()
    staff.claim(case_id)
    html = page_text(staff.get(case_path(case_id), headers=LANGUAGES[language]))
    times = list(PAGE_TIME.finditer(html))
    assert len(times) >= 4  # posted, the hold, the view, the claim, the lease's end
    for found in times:
        assert html[found.end() :].startswith(LABELS[language]), html[found.start() - 40 :][:90]
    assert "+00:00" not in html and not re.search(r"\d\d:\d\d:\d\d", html)
    until = china(db_session.get(ModerationCase, case_id).lease_expires_at) + LABELS[language]
    assert until in re.search(r'<p id="lease-holder">(.*?)</p>', html, re.S)[1]
    assert until in cells_of(row_of(html, "claim"))[5]


def test_someone_elses_claim_is_refused_with_its_end_in_china_time(
    moderator_at, case_id, db_session
):
    moderator_at("mod.first").claim(case_id)
    answer = moderator_at("mod.second").claim(case_id)
    assert answer.status_code == 409
    message = re.search(r'<p class="message" role="alert">(.*?)</p>', page_text(answer), re.S)[1]
    until = china(db_session.get(ModerationCase, case_id).lease_expires_at)
    assert f"领取到 {until}（北京时间） 为止" in message


def test_the_decided_queue_shows_when_each_item_was_decided_instead_of_its_wait(
    moderator_at, case_id, db_session
):
    staff = moderator_at()
    staff.claim(case_id)
    staff.decide(case_id, "hide")
    decided = page_text(staff.get(QUEUE, query_string={"state": "closed"}))
    headers = re.findall(r"<th>(.*?)</th>", decided)
    assert "处理时间" in headers and "等待时间" not in headers
    row = re.search(rf'<tr id="case-{case_id}".*?</tr>', decided, re.S)[0]
    closed_at = china(db_session.get(ModerationCase, case_id).closed_at)
    assert cells_of(row)[headers.index("处理时间")].strip() == f"{closed_at}（北京时间）"
    assert "等待时间" in re.findall(r"<th>(.*?)</th>", page_text(staff.get(QUEUE)))
