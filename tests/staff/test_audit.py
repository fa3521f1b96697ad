"""Every staff sign-in attempt is logged with its outcome, never with a password or code."""

from tests.staff.conftest import (
    PASSWORD,
    current_code,
    enter_code,
    enter_password,
    forget_session,
    sign_in,
    sign_out,
    wrong_code,
)


def audit_lines(log_records):
    return [line for line in log_records() if line["logger"] == "medshare.audit"]


def test_each_attempt_and_its_outcome_is_logged_without_secrets(client, staff, log_records):
    typo = "correct horse battery stapel"
    mistyped_code = wrong_code(staff.totp_secret)
    enter_password(client, "a password in the wrong box", "x")
    enter_password(client, "mod.li", typo)
    enter_password(client, "mod.li")
    enter_code(client, mistyped_code)
    code = current_code(staff.totp_secret)
    enter_code(client, code)
    sign_out(client)
    forget_session(client)
    sign_in(client, staff, code=code)

    lines = audit_lines(log_records)
    assert [(line["event"], line.get("step"), line["outcome"]) for line in lines] == [
        ("staff_sign_in", "password", "unknown_user"),
        ("staff_sign_in", "password", "wrong_password"),
        ("staff_sign_in", "password", "password_accepted"),
        ("staff_sign_in", "totp", "wrong_code"),
        ("staff_sign_in", "totp", "signed_in"),
        ("staff_sign_out", None, "signed_out"),
        ("staff_sign_in", "password", "password_accepted"),
        ("staff_sign_in", "totp", "replayed_code"),
    ]
    known = lines[1:]
    assert all(line["staff_id"] == lines[1]["staff_id"] for line in known)
    assert all(line.get("username") in ("mod.li", None) for line in known)
    assert all(line["client_address"] == "127.0.0.1" for line in lines if "step" in line)
    assert "username" not in lines[0] and "staff_id" not in lines[0]
    logged = str(log_records())
    for secret in (PASSWORD, typo, mistyped_code, code, staff.totp_secret, "wrong box"):
        assert secret not in logged


def test_the_attempt_that_locks_an_account_says_so(client, staff, log_records):
    for _ in range(5):
        enter_password(client, "mod.li", "wrong password!")
    enter_password(client, "mod.li")
    lines = audit_lines(log_records)
    assert [line["locks_account"] for line in lines[:5]] == [False] * 4 + [True]
    assert lines[5]["outcome"] == "locked_out"
