"""The review page's catalog: admins only, CSRF-checked forms, every change shown and recorded."""

import re

import pytest
from sqlalchemy import select

from app.catalog.models import CatalogChange, Medicine
from tests.staff.conftest import EN, HOME, page_text, sign_in, submit
from tests.staff.test_pages import assert_page_headers

CATALOG = "/moderation/catalog"


def entry(session, code) -> Medicine:
    return session.scalar(select(Medicine).filter_by(code=code))


def action_path(session, code, action) -> str:
    return f"{CATALOG}/{entry(session, code).id}/{action}"


def change(client, session, code, action, fields, **kwargs):
    return submit(client, action_path(session, code, action), fields, form_path=CATALOG, **kwargs)


def row(html: str, session, code) -> str:
    """The table row of one entry, from its id to the end of the row."""
    start = html.index(f'id="medicine-{entry(session, code).id}"')
    return html[start : html.index("</tr>", start)]


def changes_of(session, code) -> list[CatalogChange]:
    return list(
        session.scalars(
            select(CatalogChange).where(CatalogChange.medicine_id == entry(session, code).id)
        )
    )


@pytest.fixture
def signed_in_admin(client, catalog, admin):
    sign_in(client, admin)
    return client


def test_a_signed_out_visitor_is_sent_to_sign_in(client, catalog):
    answer = client.get(CATALOG)
    assert answer.status_code == 302 and answer.headers["Location"] == "/moderation/sign-in"


def test_a_moderator_gets_a_403_page_and_changes_nothing(client, catalog, staff):
    sign_in(client, staff)
    page = client.get(CATALOG)
    assert page.status_code == 403 and "无权操作" in page_text(page)
    assert_page_headers(page)
    refused = submit(
        client, action_path(catalog, "aspirin", "disable"), {"reason": "x"}, form_path=HOME
    )
    assert refused.status_code == 403
    assert entry(catalog, "aspirin").enabled and changes_of(catalog, "aspirin") == []


def test_only_admins_find_the_catalog_linked_from_home(client, catalog, staff, admin):
    sign_in(client, staff)
    assert CATALOG not in page_text(client.get(HOME))
    other_browser = client.application.test_client()
    sign_in(other_browser, admin)
    assert f'href="{CATALOG}"' in page_text(other_browser.get(HOME))


def test_the_page_lists_each_entry_with_group_class_state_and_reason(signed_in_admin, catalog):
    page = signed_in_admin.get(CATALOG)
    assert page.status_code == 200
    assert_page_headers(page)
    html = page_text(page)
    assert "<script" not in html and " style=" not in html
    assert "新冠病毒感染者居家治疗常用药参考表" in html
    ibuprofen = row(html, catalog, "ibuprofen")
    for shown in ("布洛芬", "Ibuprofen", "bu luo fen", "发热", "甲类非处方药", "可发布", "停用"):
        assert shown in ibuprofen
    pholcodine = row(html, catalog, "pholcodine")
    assert "属于麻醉药品" in pholcodine and "永不可发布" in pholcodine
    assert "<form" not in pholcodine
    xylometazoline = row(html, catalog, "xylometazoline")
    assert "待确认" in xylometazoline and "确认类别后才能启用" in xylometazoline
    assert "/confirm" in xylometazoline and "/enable" not in xylometazoline


def test_the_page_speaks_english_when_asked(client, catalog, admin):
    sign_in(client, admin, headers=EN)
    html = page_text(client.get(CATALOG, headers=EN))
    assert "Medicine catalog" in html and "药品目录管理" not in html
    ibuprofen = row(html, catalog, "ibuprofen")
    assert "OTC class A" in ibuprofen and "Postable" in ibuprofen and "Fever" in ibuprofen
    assert "On the narcotics list" in row(html, catalog, "pholcodine")


def test_disabling_shows_a_notice_and_the_change_in_the_entrys_history(signed_in_admin, catalog):
    answer = change(signed_in_admin, catalog, "aspirin", "disable", {"reason": "批次召回"})
    aspirin = entry(catalog, "aspirin")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{CATALOG}#medicine-{aspirin.id}"
    assert not aspirin.enabled
    [recorded] = changes_of(catalog, "aspirin")
    assert (recorded.action, recorded.reason) == ("disable", "批次召回")

    html = page_text(signed_in_admin.get(CATALOG))
    assert "已停用 阿司匹林。" in html
    history = row(html, catalog, "aspirin")
    assert "admin.wang · 停用 · 批次召回" in history
    assert "已停用" in history and "启用" in history
    assert "已停用 阿司匹林。" not in page_text(signed_in_admin.get(CATALOG)), "shown once"


def test_confirming_then_enabling_an_unconfirmed_entry(signed_in_admin, catalog):
    confirmed = change(
        signed_in_admin,
        catalog,
        "xylometazoline",
        "confirm",
        {"otc_class": "otc_b", "reason": "包装为绿色 OTC 标志"},
    )
    assert confirmed.status_code == 302
    html = page_text(signed_in_admin.get(CATALOG))
    assert "已确认 赛洛唑啉滴鼻液 的类别为乙类非处方药；启用后才可发布。" in html
    assert "由管理员确认" in row(html, catalog, "xylometazoline")
    assert not entry(catalog, "xylometazoline").enabled

    enabled = change(signed_in_admin, catalog, "xylometazoline", "enable", {"reason": "已确认"})
    assert enabled.status_code == 302
    assert entry(catalog, "xylometazoline").enabled
    actions = [recorded.action for recorded in changes_of(catalog, "xylometazoline")]
    assert actions == ["confirm", "enable"]


@pytest.mark.parametrize(
    ("code", "headers", "message"),
    [
        ("pholcodine", {}, "福尔可定 被药品目录的规则禁止，任何人都不能启用。"),
        ("pholcodine", EN, "A rule of the catalog forbids Pholcodine; nobody can enable it."),
        (
            "xylometazoline",
            {},
            "请先确认 赛洛唑啉滴鼻液 包装上的非处方药类别（甲类或乙类），再启用。",
        ),
        (
            "xylometazoline",
            EN,
            "Confirm the OTC class on the pack of Xylometazoline nasal drops (class A or B) "
            "before enabling it.",
        ),
    ],
)
def test_enabling_what_the_rules_keep_off_is_refused_with_the_reason(
    client, catalog, admin, code, headers, message
):
    sign_in(client, admin, headers=headers)
    refused = change(client, catalog, code, "enable", {"reason": "people ask"}, headers=headers)
    assert refused.status_code == 409
    assert_page_headers(refused)
    assert message in page_text(refused)
    assert not entry(catalog, code).enabled and changes_of(catalog, code) == []


def test_a_form_sent_twice_changes_nothing_the_second_time(signed_in_admin, catalog):
    change(signed_in_admin, catalog, "aspirin", "disable", {"reason": "recalled"})
    again = change(signed_in_admin, catalog, "aspirin", "disable", {"reason": "recalled"})
    assert again.status_code == 409
    assert "阿司匹林 已经是这个状态，没有做任何更改。" in page_text(again)
    assert len(changes_of(catalog, "aspirin")) == 1


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("disable", {}),
        ("disable", {"reason": "   "}),
        ("disable", {"reason": "x" * 501}),
        ("confirm", {"reason": "green mark"}),
        ("confirm", {"reason": "green mark", "otc_class": "test_kit"}),
        ("confirm", {"otc_class": "otc_a"}),
    ],
)
def test_a_change_without_a_reason_or_class_is_refused(signed_in_admin, catalog, action, fields):
    code = "aspirin" if action == "disable" else "xylometazoline"
    refused = change(signed_in_admin, catalog, code, action, fields)
    assert refused.status_code == 422
    assert "请填写理由；确认类别时还要选择类别。" in page_text(refused)
    assert changes_of(catalog, code) == []


def test_a_change_without_its_csrf_token_is_refused(signed_in_admin, catalog):
    signed_in_admin.get(CATALOG)
    path = action_path(catalog, "aspirin", "disable")
    refused = signed_in_admin.post(path, data={"reason": "recalled"})
    assert refused.status_code == 400 and "表单已失效" in page_text(refused)
    forged = signed_in_admin.post(path, data={"reason": "recalled", "csrf_token": "forged"})
    assert forged.status_code == 400
    assert entry(catalog, "aspirin").enabled and changes_of(catalog, "aspirin") == []


def test_a_change_to_an_unknown_entry_is_a_404_page(signed_in_admin, catalog):
    answer = submit(signed_in_admin, f"{CATALOG}/0/disable", {"reason": "x"}, form_path=CATALOG)
    assert answer.status_code == 404 and "未找到" in page_text(answer)


def test_each_form_field_has_its_own_id_and_label(signed_in_admin, catalog):
    html = page_text(signed_in_admin.get(CATALOG))
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for field_id in (id_ for id_ in ids if not id_.startswith("medicine-")):
        assert f'<label for="{field_id}">' in html, field_id
