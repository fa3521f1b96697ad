"""Accounts are found by keyed hashes of their mobile number or openid, and gated by level."""

import pytest
from sqlalchemy import select

from app.auth import service
from app.auth.lookup import NotAMainlandMobile, mask_mobile, normalise_mainland_mobile
from app.auth.models import User
from app.auth.service import (
    MobileInUse,
    NotVerified,
    bind_mobile,
    record_verification,
    require_level,
    user_for_mobile,
)
from tests.auth.conftest import wechat_user


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("008619912345678", "19912345678"),
        ("8616612345678", "16612345678"),
    ],
)
def test_mainland_mobiles_are_normalised(written, normalised):
    assert normalise_mainland_mobile(written) == normalised


@pytest.mark.parametrize(
    "written", ["1391234567", "139123456789", "12912345678", "02112345678", "+85291234567", "x"]
)
def test_other_numbers_are_not_mainland_mobiles(written):
    with pytest.raises(NotAMainlandMobile):
        normalise_mainland_mobile(written)


def test_a_mobile_is_masked_to_its_first_three_and_last_four_digits():
    assert mask_mobile("13812348000") == "138****8000"


def test_the_same_mobile_finds_the_same_account_and_is_never_stored_in_clear(db_session):
    first = user_for_mobile("13912345678", provider="sms")
    again = user_for_mobile("13912345678", provider="sms")
    assert first.id == again.id
    assert first.phone_masked == "139****5678"
    stored = db_session.execute(select(User.phone_hmac, User.phone_masked)).all()
    assert all("13912345678" not in repr(row) for row in stored)
    assert first.verification("phone").provider == "sms"


def test_a_mobile_bound_elsewhere_cannot_be_bound_again(db_session):
    user_for_mobile("13912345678", provider="sms")
    mini_program_user = wechat_user()
    with pytest.raises(MobileInUse):
        bind_mobile(mini_program_user, "13912345678", provider="wechat")


def test_posting_needs_the_configured_level(app, db_session):
    user = user_for_mobile("13912345678", provider="sms")
    with pytest.raises(NotVerified) as refused:
        require_level(user, "post")
    assert refused.value.code == "identity_verification_required"
    app.config["POSTING_VERIFICATION_LEVEL"] = "phone"
    try:
        require_level(user, "post")
    finally:
        app.config["POSTING_VERIFICATION_LEVEL"] = "identity"


def test_the_identity_level_covers_the_phone_level(app, db_session):
    user = wechat_user()
    record_verification(user, "identity", provider="checksum-only")
    app.config["CONTACT_VERIFICATION_LEVEL"] = "phone"
    try:
        require_level(user, "reveal_contact")
    finally:
        app.config["CONTACT_VERIFICATION_LEVEL"] = "identity"


def test_two_accounts_racing_for_one_mobile_meet_the_unique_index(db_session, monkeypatch):
    user_for_mobile("13912345678", provider="sms")
    mini_program_user = wechat_user()
    # The bind checks before the other account's commit lands, so its check finds no holder.
    monkeypatch.setattr(service, "_holder_of_mobile", lambda digest: None)
    with pytest.raises(MobileInUse):
        bind_mobile(mini_program_user, "13912345678", provider="wechat")
    db_session.refresh(mini_program_user)
    assert mini_program_user.phone_hmac is None and mini_program_user.verification("phone") is None
