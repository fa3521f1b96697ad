"""The review page's partners: admins only, CSRF-checked forms, a key shown once, every change
recorded with the admin who made it."""

import re

import pytest
from sqlalchemy import select

from app.partners import service
from app.partners.keys import read_key
from app.partners.models import Partner, PartnerChange, PartnerKey
from tests.staff.conftest import EN, HOME, page_text, sign_in, submit
from tests.staff.test_pages import assert_page_headers

PARTNERS = "/moderation/partners/"
KEY = re.compile(r"msk_test_[a-z]{16}_[A-Za-z0-9]{32}")
REGISTER = {
    "code": "hz-care",
    "name": "杭州关爱",
    "contact": "周女士",
    "origins": "https://care.hz.example\nhttps://m.care.hz.example",
    "tier": "standard",
    "region_codes": "330100",
}


@pytest.fixture
def signed_in_admin(client, catalog, admin):
    sign_in(client, admin)
    return client


def registered(client) -> str:
    made = submit(client, PARTNERS, REGISTER)
    assert made.status_code == 302, page_text(made)
    return f"{PARTNERS}hz-care"


def test_signed_out_visitors_are_sent_to_sign_in_and_moderators_refused(client, catalog, staff):
    answer = client.get(PARTNERS)
    assert answer.status_code == 302 and answer.headers["Location"] == "/moderation/sign-in"
    sign_in(client, staff)
    refused = client.get(PARTNERS)
    assert refused.status_code == 403
    assert_page_headers(refused)
    assert PARTNERS not in page_text(client.get(HOME))
    posted = submit(client, PARTNERS, REGISTER, form_path=HOME)
    assert posted.status_code == 403
    assert service.partners() == []


def test_an_admin_registers_a_partner_and_finds_it_linked_from_home(signed_in_admin, db_session):
    assert f'href="{PARTNERS}"' in page_text(signed_in_admin.get(HOME))
    page = signed_in_admin.get(registered(signed_in_admin))
    assert page.status_code == 200
    assert_page_headers(page)
    partner = db_session.scalars(select(Partner).where(Partner.code == "hz-care")).one()
    assert partner.origins == ["https://care.hz.example", "https://m.care.hz.example"]
    assert partner.region_codes == ["330100"]
    [change] = db_session.scalars(
        select(PartnerChange).where(PartnerChange.partner_id == partner.id)
    )
    assert change.action == "register" and change.staff_id is not None


def test_a_form_without_its_csrf_token_changes_nothing(signed_in_admin):
    refused = signed_in_admin.post(PARTNERS, data=REGISTER)
    assert refused.status_code == 400
    assert service.partners() == []


def test_bad_fields_are_shown_beside_the_form_in_the_readers_language(signed_in_admin):
    answer = submit(
        signed_in_admin,
        PARTNERS,
        {**REGISTER, "origins": "http://care.hz.example/path", "region_codes": "999999"},
        headers=EN,
    )
    assert answer.status_code == 422
    html = page_text(answer)
    assert "Give web origins only" in html and "No district has these codes: 999999." in html
    assert service.partners() == []


def test_a_key_is_shown_once_on_the_page_that_issued_it(signed_in_admin, db_session):
    detail = registered(signed_in_admin)
    issued = submit(signed_in_admin, f"{detail}/keys", {"kind": "public"}, form_path=detail)
    assert issued.status_code == 200
    [key] = KEY.findall(page_text(issued))
    assert issued.headers["Cache-Control"] == "no-store"
    again = page_text(signed_in_admin.get(detail))
    assert read_key(key).public_id in again and read_key(key).secret not in again
    # The secret never rode in the session cookie either.
    cookie = signed_in_admin.get_cookie("session").value
    assert read_key(key).secret not in cookie


def test_an_admin_rotates_and_revokes_keys_with_reasons_recorded(signed_in_admin, db_session):
    detail = registered(signed_in_admin)
    first = KEY.findall(
        page_text(submit(signed_in_admin, f"{detail}/keys", {"kind": "secret"}, form_path=detail))
    )[0]
    public_id = read_key(first).public_id
    rotated = submit(
        signed_in_admin,
        f"{detail}/keys/{public_id}/rotate",
        {"reason": "每年轮换"},
        form_path=detail,
    )
    [successor] = KEY.findall(page_text(rotated))
    successor_id = read_key(successor).public_id
    refused = submit(signed_in_admin, f"{detail}/keys/{successor_id}/revoke", {}, form_path=detail)
    assert refused.status_code == 422
    revoked = submit(
        signed_in_admin,
        f"{detail}/keys/{successor_id}/revoke",
        {"reason": "泄露"},
        form_path=detail,
    )
    assert revoked.status_code == 302
    key = db_session.scalars(select(PartnerKey).where(PartnerKey.public_id == successor_id)).one()
    assert key.revoked_at is not None
    actions = [
        (change.action, change.key_public_id, change.reason)
        for change in db_session.scalars(select(PartnerChange).order_by(PartnerChange.id))
    ]
    assert actions[1:] == [
        ("issue_key", public_id, None),
        ("rotate_key", public_id, "每年轮换"),
        ("revoke_key", successor_id, "泄露"),
    ]
    history = page_text(signed_in_admin.get(detail))
    assert "泄露" in history and "每年轮换" in history


def test_an_admin_suspends_a_partner_and_the_change_says_why(signed_in_admin, db_session):
    detail = registered(signed_in_admin)
    saved = submit(
        signed_in_admin,
        detail,
        {**REGISTER, "status": "suspended", "reason": "合作暂停", "tier": "large"},
    )
    assert saved.status_code == 302, page_text(saved)
    partner = db_session.scalars(select(Partner).where(Partner.code == "hz-care")).one()
    assert (partner.status, partner.tier) == ("suspended", "large")
    change = db_session.scalars(select(PartnerChange).where(PartnerChange.action == "update")).one()
    assert change.before["status"] == "active" and change.after["status"] == "suspended"
    assert change.reason == "合作暂停"


def test_an_unknown_partner_is_a_404_page(signed_in_admin):
    answer = signed_in_admin.get(f"{PARTNERS}nobody")
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
