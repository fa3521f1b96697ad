"""The review page's queue and item pages: who may see them, what they show, how they decide."""

import html as markup
import re

import pytest

from app.moderation.audit import trail
from app.moderation.cases import open_case_of
from tests.conftest import bearer
from tests.review.conftest import QUEUE, SALE_NOTE, case_path, offer_body
from tests.staff.conftest import EN, SIGN_IN, page_text


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_queue_and_item_pages_render_for_moderators_and_admins(moderator_at, case_id, role):
    staff = moderator_at(f"{role}.one", role)
    listed = staff.get(QUEUE)
    assert listed.status_code == 200
    html = page_text(listed)
    assert f'id="case-{case_id}"' in html
    assert "发布筛查" in html and "price_amount" in html
    item = staff.get(case_path(case_id))
    assert item.status_code == 200
    assert "决定" in page_text(item) or "处理" in page_text(item)


def test_home_links_to_the_queue_with_its_open_count(moderator_at, case_id):
    home = page_text(moderator_at().get("/moderation/"))
    assert 'href="/moderation/queue"' in home and "审核队列：1 项待处理" in home


@pytest.mark.parametrize("path", [QUEUE, "/moderation/cases/1"])
def test_pages_send_an_anonymous_visitor_to_sign_in(client, path):
    answer = client.get(path)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(SIGN_IN)


def test_a_users_bearer_token_does_not_open_the_pages(client, sign_in, case_id):
    _user, pair = sign_in()
    for path in (QUEUE, case_path(case_id)):
        answer = client.get(path, headers=bearer(pair.access_token))
        assert answer.status_code == 302 and answer.headers["Location"].endswith(SIGN_IN)


def test_a_decision_without_a_csrf_token_is_refused(moderator_at, case_id):
    staff = moderator_at()
    staff.claim(case_id)
    answer = staff.client.post(
        case_path(case_id, "decision"), data={"decision": "hide", "reason": "x", "version": 2}
    )
    assert answer.status_code == 400
    assert trail(case_id=case_id)[-1].action != "decide.hide"


def test_pages_allow_scripts_only_from_the_review_page_itself(moderator_at, case_id):
    staff = moderator_at()
    for path in (QUEUE, case_path(case_id)):
        answer = staff.get(path)
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
        scripts = re.findall(r"<script([^>]*)>", page_text(answer))
        assert scripts == [' src="/moderation/static/review.js" defer']
        with staff.get("/moderation/static/review.js") as script:
            assert script.status_code == 200 and "keydown" in script.get_data(as_text=True)


def test_queue_lists_each_item_with_its_kind_priority_reports_rules_and_holder(
    moderator_at, case_id
):
    staff = moderator_at()
    staff.claim(case_id)
    row = re.search(rf'<tr id="case-{case_id}".*?</tr>', page_text(staff.get(QUEUE)), re.S)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row[0], re.S)
    ]
    assert cells[0] == f"#{case_id}"
    assert cells[1] == "发布筛查"
    assert int(cells[2]) > 0
    assert cells[3].endswith("分钟")
    assert cells[4] == "0"
    assert "price_amount" in cells[5]
    assert cells[6] == "mod.zhao"


def test_queue_filters_by_kind_state_and_unclaimed(moderator_at, case_id):
    staff = moderator_at()
    assert f"case-{case_id}" in page_text(staff.get(QUEUE, query_string={"kind": "screening"}))
    assert f"case-{case_id}" not in page_text(staff.get(QUEUE, query_string={"kind": "appeal"}))
    assert f"case-{case_id}" not in page_text(staff.get(QUEUE, query_string={"state": "closed"}))
    staff.claim(case_id)
    unclaimed = page_text(staff.get(QUEUE, query_string={"unclaimed": "y"}))
    assert f"case-{case_id}" not in unclaimed
    counts = page_text(staff.get(QUEUE))
    assert re.search(r'data-kind="screening">发布筛查 <span class="count">1</span>', counts)
    assert "待处理 1 项，其中 1 项已被领取" in counts


def test_an_unknown_filter_shows_the_open_queue_with_a_422(moderator_at, case_id):
    answer = moderator_at().get(QUEUE, query_string={"kind": "'; drop table posts; --"})
    assert answer.status_code == 422
    assert "筛选条件无效" in page_text(answer) and f"case-{case_id}" in page_text(answer)


def test_item_page_marks_personal_data_and_rule_hits_in_the_original_note(moderator_at, case_id):
    html = page_text(moderator_at().get(case_path(case_id)))
    note = re.search(r'<p class="note" id="original-note">(.*?)</p>', html, re.S)[1]
    assert re.search(r'<mark class="pd pd-mobile"[^>]*>13912345678</mark>', note)
    assert re.search(r'<mark class="rule"[^>]*>[^<]*20[^<]*</mark>', note)
    assert re.sub(r"<[^>]+>", "", note) == SALE_NOTE
    masked = re.search(r'<p class="note" id="masked-note">(.*?)</p>', html, re.S)[1]
    assert "13912345678" not in masked and "139****5678" in masked


def test_rule_hits_in_the_address_hint_are_listed(moderator_at, held_post):
    post = held_post(note="送给需要的邻居", address_hint="小区门口，出售布洛芬")
    html = page_text(moderator_at().get(case_path(open_case_of(post["id"]).id)))
    hits = re.search(r'<ul id="rule-hits">(.*?)</ul>', html, re.S)[1]
    assert "address_hint" in hits and "出售" in hits


def test_reading_an_item_is_audited_as_a_view_of_the_original(moderator_at, case_id):
    moderator_at().get(case_path(case_id))
    viewed = [entry for entry in trail(case_id=case_id) if entry.action == "view_original"]
    assert len(viewed) == 1 and viewed[0].staff.username == "mod.zhao"


def test_claiming_then_deciding_through_the_forms_closes_the_item_and_shows_it_in_the_trail(
    moderator_at, case_id
):
    staff = moderator_at()
    claimed = staff.claim(case_id)
    assert claimed.status_code == 302
    assert "mod.zhao 领取中" in page_text(staff.get(case_path(case_id)))
    decided = staff.decide(case_id, "hide", reason="出售药品，违反平台规则")
    assert decided.status_code == 302, page_text(decided)
    html = page_text(staff.get(case_path(case_id)))
    assert "已处理，并已记入审核记录。" in html
    row = markup.unescape(re.search(r'<tr class="action-decide-hide">(.*?)</tr>', html, re.S)[1])
    assert "mod.zhao" in row and "出售药品，违反平台规则" in row
    assert "信息状态: 待审核（未公开）" in row and "信息状态: 已隐藏" in row
    assert 'id="decision-form"' not in html
    assert 'data-shortcut="n"' in html  # on to the next item
    assert '<dd class="post-status">已隐藏</dd>' in html


def test_a_stale_version_shows_the_409_message_and_keeps_the_reason(
    client, moderator_at, poster, create
):
    _owner, owner_headers = poster()
    post = create(owner_headers, offer_body()).get_json()

    def report(note: str):
        _reporter, headers = poster()
        body = {"reason": "fake", "note": note}
        reported = client.post(f"/api/v1/posts/{post['id']}/reports", json=body, headers=headers)
        assert reported.status_code == 201, reported.get_json()

    report("药品不存在")
    case_id = open_case_of(post["id"]).id
    staff = moderator_at()
    staff.claim(case_id)
    seen = staff.version(case_id)
    report("我也觉得是假的")  # arrives while the moderator reads
    stale = staff.decide(case_id, "dismiss_reports", reason="信息属实", version=seen)
    assert stale.status_code == 409
    html = page_text(stale)
    assert "你打开之后，这一事项有了新的举报或修改" in html
    assert "信息属实" in html
    assert "我也觉得是假的" in html
    assert [entry.action for entry in trail(case_id=case_id)].count("decide.dismiss_reports") == 0


def test_deciding_without_a_claim_shows_the_409_lease_message(moderator_at, case_id):
    staff = moderator_at()
    answer = staff.decide(case_id, "approve", reason="没问题")
    assert answer.status_code == 409
    assert "只有领取了这一事项" in page_text(answer)


def test_claiming_an_item_someone_else_holds_shows_the_409_message(moderator_at, case_id):
    moderator_at("mod.first").claim(case_id)
    second = moderator_at("mod.second")
    answer = second.claim(case_id)
    assert answer.status_code == 409
    assert "另一位审核员正在处理这一事项" in page_text(answer)
    assert "mod.first 领取中" in page_text(answer)


def test_a_decision_without_a_reason_is_refused_with_422(moderator_at, case_id):
    staff = moderator_at()
    staff.claim(case_id)
    answer = staff.decide(case_id, "hide", reason="   ")
    assert answer.status_code == 422
    assert "请选择处理方式并填写理由" in page_text(answer)


def test_edit_masking_through_the_form_takes_the_masked_note(moderator_at, case_id):
    staff = moderator_at()
    staff.claim(case_id)
    masked = SALE_NOTE.replace("20", "**").replace("13912345678", "139****5678")
    decided = staff.decide(case_id, "edit_masking", reason="隐去价格", public_note=masked)
    assert decided.status_code == 302, page_text(decided)
    assert f"审核员修改的遮蔽文字: {masked}" in markup.unescape(
        page_text(staff.get(case_path(case_id)))
    )


def test_edit_masking_that_changes_the_words_shows_the_field_problem(moderator_at, case_id):
    staff = moderator_at()
    staff.claim(case_id)
    answer = staff.decide(case_id, "edit_masking", reason="改写", public_note="完全不同的话")
    assert answer.status_code == 422
    assert "以下字段有误：遮蔽后的文字。" in page_text(answer)
    assert "只能把原文中的部分字符替换为 *" in page_text(answer)


def test_claim_next_takes_the_top_item_then_says_when_nothing_is_left(moderator_at, case_id):
    staff = moderator_at()
    taken = staff.press("/moderation/queue/claim-next", QUEUE)
    assert taken.status_code == 302 and taken.headers["Location"].endswith(case_path(case_id))
    empty = staff.press("/moderation/queue/claim-next", QUEUE)
    assert empty.status_code == 404
    assert "所有待审核事项都已被领取" in page_text(empty)


def test_an_unknown_item_is_a_404_page(moderator_at):
    answer = moderator_at().get(case_path(999_999_999))
    assert answer.status_code == 404 and "审核事项不存在" in page_text(answer)


def test_pages_list_the_keyboard_shortcuts(moderator_at, case_id):
    html = page_text(moderator_at().get(case_path(case_id)))
    for key, decision in (
        ("a", "approve"),
        ("h", "hide"),
        ("r", "remove"),
        ("d", "dismiss_reports"),
    ):
        assert f'id="decision-{decision}" data-shortcut="{key}"' in html
        assert f"<dt><kbd>{key}</kbd></dt>" in html
    assert 'data-shortcut="c"' in html and 'data-shortcut="n"' in html


def test_pages_speak_english_when_asked(moderator_at, case_id):
    staff = moderator_at()
    queue_html = page_text(staff.get(QUEUE, headers=EN))
    assert "Review queue" in queue_html and "审核队列" not in queue_html
    item_html = page_text(staff.get(case_path(case_id), headers=EN))
    assert "Audit trail" in item_html and "Screening" in item_html
