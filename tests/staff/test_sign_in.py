"""Staff sign in with a password and then a TOTP code; failures look alike and lock the account."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text, update

from app.staff import service
from app.staff.models import StaffAccount
from tests.staff.conftest import (
    CODE,
    FAILED,
    HOME,
    PASSWORD,
    SIGN_IN,
    code_for_step,
    current_code,
    enter_code,
    enter_password,
    forget_session,
    page_text,
    sign_in,
    wrong_code,
)


def account(db_session, credentials) -> StaffAccount:
    return db_session.scalars(
        select(StaffAccount).where(StaffAccount.username == credentials.username)
    ).one()


def test_password_then_code_signs_in_and_the_landing_page_says_who_and_what_role(client, staff):
    entered = enter_password(client, "mod.li")
    assert entered.status_code == 302 and entered.headers["Location"] == CODE
    signed_in = enter_code(client, current_code(staff.totp_secret))
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == HOME
    home = client.get(HOME)
    assert home.status_code == 200
    assert "mod.li" in page_text(home) and "审核员" in page_text(home)
    assert "审核队列：0 项待处理" in page_text(home)


def test_the_session_cookie_is_http_only_and_same_site(client, staff):
    signed_in = sign_in(client, staff)
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured_and_https_forms_work(
    app, client, staff, monkeypatch
):
    # Pages send no Referer (Referrer-Policy: no-referrer), so HTTPS posts must not need one.
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    signed_in = sign_in(client, staff, base_url="https://localhost")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == HOME
    assert "Secure" in signed_in.headers["Set-Cookie"]


def test_usernames_are_not_case_sensitive(client, staff):
    assert enter_password(client, "  MOD.Li ").headers["Location"] == CODE


def test_a_password_alone_does_not_sign_in(client, staff):
    enter_password(client, "mod.li")
    home = client.get(HOME)
    assert home.status_code == 302 and home.headers["Location"] == SIGN_IN


def test_the_code_step_needs_the_password_step_first(client, staff):
    response = client.get(CODE)
    assert response.status_code == 302 and response.headers["Location"] == SIGN_IN


def test_a_checked_password_waits_for_its_code_only_a_few_minutes(client, staff):
    enter_password(client, "mod.li")
    with client.session_transaction() as session:
        session["code_step_since"] -= 5 * 60 + 1
    response = client.get(CODE)
    assert response.status_code == 302 and response.headers["Location"] == SIGN_IN


def failure_message(response) -> str:
    assert response.status_code == 422
    assert FAILED in page_text(response)
    return FAILED


def test_unknown_user_wrong_password_wrong_code_and_replayed_code_get_the_same_answer(
    client, staff, db_session
):
    unknown = enter_password(client, "nobody")
    wrong_password = enter_password(client, "mod.li", "not the password at all")
    assert enter_password(client, "mod.li").status_code == 302
    wrong = enter_code(client, wrong_code(staff.totp_secret))
    used = current_code(staff.totp_secret)
    sign_in(client, staff, code=used)
    forget_session(client)
    replayed = sign_in(client, staff, code=used)
    answers = [unknown, wrong_password, wrong, replayed]
    assert {failure_message(answer) for answer in answers} == {FAILED}
    assert account(db_session, staff).failed_sign_ins == 1


def test_a_code_older_than_the_last_one_used_is_refused(client, staff):
    sign_in(client, staff, code=code_for_step(staff.totp_secret, 0))
    forget_session(client)
    failure_message(sign_in(client, staff, code=code_for_step(staff.totp_secret, -1)))


def test_a_disabled_staff_member_gets_the_same_answer_as_a_stranger(client, staff):
    service.disable_staff("mod.li")
    failure_message(enter_password(client, "mod.li"))


def test_an_unknown_username_costs_the_same_argon2_work_as_a_known_one(client, staff, monkeypatch):
    verified = []
    original = PasswordHasher.verify

    def counting_verify(self, hash, password):
        verified.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    enter_password(client, "nobody", "some guess")
    enter_password(client, "mod.li", "some guess")
    assert len(verified) == 2
    unknown_hash, known_hash = verified
    assert unknown_hash.split("$")[:4] == known_hash.split("$")[:4], "same argon2 parameters"


def test_five_failures_lock_the_account_even_against_the_right_password(client, staff):
    for _ in range(5):
        failure_message(enter_password(client, "mod.li", "wrong password!"))
    locked = enter_password(client, "mod.li")
    assert locked.status_code == 429
    assert locked.mimetype == "text/html"
    assert "登录失败次数过多，请在 15 分钟后再试" in page_text(locked)
    assert 14 * 60 < int(locked.headers["Retry-After"]) <= 15 * 60


def test_wrong_codes_count_towards_the_lock_out_and_a_right_password_does_not_clear_them(
    client, staff
):
    for _ in range(5):
        assert enter_password(client, "mod.li").status_code == 302
        failure_message(enter_code(client, wrong_code(staff.totp_secret)))
    assert enter_password(client, "mod.li").status_code == 429


def test_a_lock_out_during_the_code_step_ends_that_step(client, staff, db_session):
    enter_password(client, "mod.li")
    db_session.execute(update(StaffAccount).values(failed_sign_ins=4))
    db_session.commit()
    failure_message(enter_code(client, wrong_code(staff.totp_secret)))
    assert enter_code(client, current_code(staff.totp_secret)).status_code == 429
    assert client.get(CODE).headers["Location"] == SIGN_IN


def test_the_lock_out_ends_when_its_time_has_passed(client, staff, db_session):
    for _ in range(5):
        enter_password(client, "mod.li", "wrong password!")
    assert enter_password(client, "mod.li").status_code == 429
    db_session.execute(
        update(StaffAccount).values(locked_until=text("now() - interval '1 second'"))
    )
    db_session.commit()
    assert sign_in(client, staff).headers["Location"] == HOME
    assert account(db_session, staff).failed_sign_ins == 0
    assert account(db_session, staff).locked_until is None


def test_unlock_staff_lifts_the_lock_out_at_once(client, staff):
    for _ in range(5):
        enter_password(client, "mod.li", "wrong password!")
    service.unlock_staff("mod.li")
    assert sign_in(client, staff).headers["Location"] == HOME


def test_a_full_sign_in_forgets_earlier_failures(client, staff):
    for _ in range(4):
        enter_password(client, "mod.li", "wrong password!")
    sign_in(client, staff)
    forget_session(client)
    for _ in range(4):
        enter_password(client, "mod.li", "wrong password!")
    assert enter_password(client, "mod.li").status_code == 302


def test_a_hash_made_with_old_parameters_is_replaced_at_sign_in(client, staff, db_session):
    old = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    db_session.execute(update(StaffAccount).values(password_hash=old))
    db_session.commit()
    enter_password(client, "mod.li")
    renewed = account(db_session, staff).password_hash
    assert renewed != old and renewed.startswith("$argon2id$")
    assert PasswordHasher().verify(renewed, PASSWORD)


def test_an_already_signed_in_visitor_to_the_sign_in_page_goes_home(client, staff):
    sign_in(client, staff)
    assert client.get(SIGN_IN).headers["Location"] == HOME


@pytest.mark.parametrize(
    "fields",
    [{"username": "", "password": PASSWORD}, {"username": "mod.li", "password": ""}],
)
def test_an_empty_field_asks_for_every_field(client, staff, fields):
    response = enter_password(client, **fields)
    assert response.status_code == 422
    assert "请完整填写每一项" in page_text(response)
