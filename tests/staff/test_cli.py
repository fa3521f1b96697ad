"""`flask medshare create-staff` and friends: secrets shown once, passwords only as argon2id."""

import re

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.staff.models import StaffAccount
from tests.staff.conftest import PASSWORD


@pytest.fixture
def run(app, db_session):
    runner = app.test_cli_runner()

    def run(*args, stdin=None):
        return runner.invoke(args=["medshare", *args], input=stdin)

    return run


def account(db_session, username) -> StaffAccount:
    return db_session.scalars(select(StaffAccount).where(StaffAccount.username == username)).one()


def printed(output, label) -> str:
    return re.search(rf"^{label}:\s+(\S+)$", output, re.MULTILINE).group(1)


def test_create_staff_prints_a_generated_password_the_totp_secret_and_its_uri(run, db_session):
    result = run("create-staff", "Mod.Zhang", "--role", "moderator")
    assert result.exit_code == 0, result.output
    password, secret = printed(result.output, "password"), printed(result.output, "TOTP secret")
    uri = printed(result.output, "TOTP URI")
    assert len(password) >= 20
    assert pyotp.parse_uri(uri).secret == secret
    assert uri.startswith("otpauth://totp/MedShare:mod.zhang?") and "issuer=MedShare" in uri
    staff = account(db_session, "mod.zhang")
    assert staff.role == "moderator" and staff.totp_secret == secret
    assert PasswordHasher().verify(staff.password_hash, password)


def test_create_staff_takes_the_password_from_stdin_and_does_not_print_it(run, db_session):
    result = run(
        "create-staff", "admin.chen", "--role", "admin", "--password-stdin", stdin=PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output and "password:" not in result.output
    assert "TOTP secret:" in result.output
    staff = account(db_session, "admin.chen")
    assert staff.role == "admin"
    assert PasswordHasher().verify(staff.password_hash, PASSWORD)


def test_the_password_is_stored_as_argon2id_and_never_in_clear(run, db_session):
    run("create-staff", "mod.zhao", "--role", "moderator", "--password-stdin", stdin=PASSWORD)
    staff = account(db_session, "mod.zhao")
    assert staff.password_hash.startswith("$argon2id$")
    whole_row = db_session.execute(
        text("SELECT row_to_json(s)::text FROM staff_accounts s WHERE id = :id"), {"id": staff.id}
    ).scalar_one()
    assert PASSWORD not in whole_row


def test_the_database_refuses_a_password_that_is_not_an_argon2id_hash(staff, db_session):
    with pytest.raises(IntegrityError, match="password_hash_argon2id"):
        db_session.execute(text("UPDATE staff_accounts SET password_hash = 'hunter2hunter2'"))


@pytest.mark.parametrize(
    ("args", "stdin", "complaint"),
    [
        (("x", "--role", "admin"), None, "username"),
        (("two words", "--role", "admin"), None, "username"),
        (("mod.sun", "--role", "admin", "--password-stdin"), "too short", "password"),
        (("mod.sun", "--role", "owner"), None, "'owner' is not one of"),
    ],
)
def test_create_staff_refuses_bad_details(run, db_session, args, stdin, complaint):
    result = run("create-staff", *args, stdin=stdin)
    assert result.exit_code != 0
    assert complaint in result.output
    assert db_session.scalars(select(StaffAccount)).all() == []


def test_create_staff_refuses_a_username_already_taken(run, staff):
    result = run("create-staff", "MOD.LI", "--role", "admin")
    assert result.exit_code == 1
    assert "already has the username mod.li" in result.output


def test_reset_staff_totp_prints_a_new_secret(run, staff, db_session):
    result = run("reset-staff-totp", "mod.li")
    assert result.exit_code == 0, result.output
    secret = printed(result.output, "TOTP secret")
    assert secret != staff.totp_secret
    assert account(db_session, "mod.li").totp_secret == secret
    assert f"secret={secret}" in printed(result.output, "TOTP URI")


def test_commands_on_an_unknown_staff_member_fail_plainly(run, db_session):
    for command in ("reset-staff-totp", "unlock-staff", "disable-staff"):
        result = run(command, "nobody")
        assert result.exit_code == 1
        assert "does not exist" in result.output
        assert "'nobody'" in result.output
