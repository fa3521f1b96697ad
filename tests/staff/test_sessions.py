"""A staff session lasts until sign-out, disabling, lock-out, idleness or its lifetime ends it."""

import time

import pytest
from flask import g, session
from sqlalchemy import select

from app import create_app
from app.staff import service
from app.staff.models import StaffAccount
from app.staff.service import StaffRoleRequired
from app.staff.sessions import staff_required
from tests.staff.conftest import (
    HOME,
    SIGN_IN,
    SIGN_OUT,
    enter_password,
    page_text,
    sign_in,
    sign_out,
)
from tests.test_settings import PRODUCTION_SETTINGS


def is_signed_in(client) -> bool:
    response = client.get(HOME)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.headers["Location"] == SIGN_IN
    return response.status_code == 200


def test_sign_out_ends_the_session_and_any_copy_of_its_cookie(client, staff):
    sign_in(client, staff)
    copy = client.get_cookie("session").value
    answer = sign_out(client)
    assert answer.status_code == 302 and answer.headers["Location"] == SIGN_IN
    assert not is_signed_in(client)
    client.set_cookie("session", copy)
    assert not is_signed_in(client)


def test_sign_out_without_the_forms_csrf_token_is_refused(client, staff):
    sign_in(client, staff)
    refused = client.post(SIGN_OUT)
    assert refused.status_code == 400
    assert is_signed_in(client)


def test_signing_in_starts_a_new_session_rather_than_keeping_the_old_one(client, staff):
    client.get(SIGN_IN)
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    sign_in(client, staff)
    assert is_signed_in(client)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["csrf_token"] != before["csrf_token"]


def test_disabling_a_staff_member_ends_their_open_session(client, staff):
    sign_in(client, staff)
    service.disable_staff("mod.li")
    assert not is_signed_in(client)


def test_disable_staff_command_ends_their_open_session(app, client, staff):
    sign_in(client, staff)
    result = app.test_cli_runner().invoke(args=["medshare", "disable-staff", "mod.li"])
    assert result.exit_code == 0, result.output
    assert not is_signed_in(client)


def test_a_lock_out_ends_open_sessions_of_that_account(app, client, staff):
    sign_in(client, staff)
    guesser = app.test_client()
    for _ in range(5):
        enter_password(guesser, "mod.li", "a wrong guess!")
    assert not is_signed_in(client)


def test_a_new_totp_secret_ends_open_sessions(client, staff):
    sign_in(client, staff)
    service.reset_totp("mod.li")
    assert not is_signed_in(client)


def test_an_idle_session_ends(app, client, staff):
    sign_in(client, staff)
    with client.session_transaction() as cookie:
        cookie["seen_at"] -= app.config["STAFF_IDLE_MINUTES"] * 60 + 1
    assert not is_signed_in(client)


def test_activity_keeps_a_session_alive(app, client, staff):
    sign_in(client, staff)
    with client.session_transaction() as cookie:
        cookie["seen_at"] -= app.config["STAFF_IDLE_MINUTES"] * 60 - 60
    assert is_signed_in(client)
    with client.session_transaction() as cookie:
        assert time.time() - cookie["seen_at"] < 60


def test_a_session_ends_after_its_lifetime_however_busy(app, client, staff):
    sign_in(client, staff)
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    assert lifetime == 8 * 3600
    with client.session_transaction() as cookie:
        cookie["signed_in_at"] -= lifetime + 1
    assert not is_signed_in(client)


@pytest.fixture
def request_as(app, db_session):
    """Enter a request to the review page with the session of this staff member."""

    def request_as(credentials):
        staff = db_session.scalars(
            select(StaffAccount).where(StaffAccount.username == credentials.username)
        ).one()
        context = app.test_request_context(HOME)
        context.push()
        # The request shares the test's app context; forget whom an earlier request saw.
        g.pop("staff", None)
        now = int(time.time())
        session.update(
            staff_id=staff.id, staff_version=staff.session_version, signed_in_at=now, seen_at=now
        )
        return context

    return request_as


def test_staff_required_lets_a_role_through_and_admins_everywhere(request_as, staff, admin):
    view = staff_required(role="moderator")(lambda: "reviewed")
    for credentials in (staff, admin):
        context = request_as(credentials)
        try:
            assert view() == "reviewed"
        finally:
            context.pop()


def test_staff_required_refuses_a_moderator_an_admin_view_with_a_403_page(app, request_as, staff):
    view = staff_required(role="admin")(lambda: "managed")
    context = request_as(staff)
    try:
        with pytest.raises(StaffRoleRequired) as refused:
            view()
        page = app.handle_user_exception(refused.value)
    finally:
        context.pop()
    assert page.status_code == 403
    assert page.mimetype == "text/html"
    assert "无权操作" in page_text(page)


def test_production_keeps_the_session_cookie_to_this_host_over_https():
    production = create_app("production", **PRODUCTION_SETTINGS)
    page = production.test_client().get(SIGN_IN, base_url="https://review.example")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-medshare-staff=")
    assert "Secure" in cookie and "Path=/;" in cookie and "Domain" not in cookie
