"""Partner keys: shown once, kept only as a SHA-256, refused once revoked or expired, rotated
with an overlap in which both work, and last used kept without a write per request."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from app.partners import service
from app.partners.keys import read_key, secret_digest
from app.partners.models import PartnerKey
from app.partners.service import PartnerKeyClosed
from tests.partners.conftest import key_headers

SQUARE = "/api/v1/posts"
KEY_FORM = re.compile(r"msk_test_[a-z]{16}_[A-Za-z0-9]{32}")


def key_row(db_session, key: str) -> PartnerKey:
    return db_session.scalars(
        select(PartnerKey).where(PartnerKey.public_id == read_key(key).public_id)
    ).one()


def square(client, key: str):
    return client.get(SQUARE, headers=key_headers(key))


def test_a_key_names_its_environment_public_id_and_secret(issue):
    assert KEY_FORM.fullmatch(issue("secret"))
    assert issue("secret") != issue("secret")


def test_the_database_keeps_a_sha256_of_the_secret_and_no_column_holds_the_secret(
    db_session, issue
):
    key = issue("secret")
    parsed = read_key(key)
    assert key_row(db_session, key).secret_sha256 == secret_digest(parsed.secret)
    columns = db_session.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public'"
        )
    ).all()
    for table, column in columns:
        found = db_session.execute(
            text(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE :secret'),  # noqa: S608 - names from the catalog
            {"secret": f"%{parsed.secret}%"},
        ).scalar()
        assert found == 0, f"{table}.{column}"


def test_a_secret_key_is_shown_once_and_never_again(app, partner, db_session):
    runner = app.test_cli_runner()
    issued = runner.invoke(args=["medshare", "issue-partner-key", partner, "--kind", "secret"])
    assert issued.exit_code == 0, issued.output
    [key] = KEY_FORM.findall(issued.output)
    listed = runner.invoke(args=["medshare", "list-partners"])
    assert read_key(key).public_id in listed.output
    assert read_key(key).secret not in listed.output


def test_a_valid_secret_key_is_accepted(client, issue):
    assert square(client, issue("secret")).status_code == 200


@pytest.mark.parametrize(
    "sent",
    [
        "not-a-key",
        "msk_live_{public_id}_{secret}",
        "msk_test_{public_id}_{wrong}",
        "msk_test_zzzzzzzzzzzzzzzz_{secret}",
    ],
)
def test_malformed_foreign_or_wrong_keys_are_one_401(client, issue, sent):
    parsed = read_key(issue("secret"))
    wrong = ("A" if parsed.secret[0] != "A" else "B") + parsed.secret[1:]
    forged = sent.format(public_id=parsed.public_id, secret=parsed.secret, wrong=wrong)
    answer = client.get(SQUARE, headers={"X-Api-Key": forged, "Accept-Language": "en"})
    assert answer.status_code == 401
    assert answer.json["code"] == "api_key_invalid"


def test_a_revoked_key_is_refused_at_once(client, issue):
    key = issue("secret")
    assert square(client, key).status_code == 200
    service.revoke_key(read_key(key).public_id, "leaked in a public repository")
    refused = square(client, key)
    assert refused.status_code == 401
    assert refused.json["code"] == "api_key_revoked"
    with pytest.raises(PartnerKeyClosed):
        service.revoke_key(read_key(key).public_id, "again")


def test_after_rotation_both_keys_work_until_the_overlap_ends(app, client, db_session, issue):
    old = issue("secret")
    before = datetime.now(UTC)
    new = service.rotate_key(read_key(old).public_id, reason="yearly rotation").text
    assert square(client, old).status_code == 200
    assert square(client, new).status_code == 200
    row = key_row(db_session, old)
    overlap = timedelta(hours=app.config["PARTNER_KEY_OVERLAP_HOURS"])
    assert before + overlap <= row.expires_at <= datetime.now(UTC) + overlap
    assert key_row(db_session, new).replaces_id == row.id
    assert key_row(db_session, new).kind == "secret"

    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db_session.commit()
    expired = square(client, old)
    assert expired.status_code == 401
    assert expired.json["code"] == "api_key_expired"
    assert square(client, new).status_code == 200
    with pytest.raises(PartnerKeyClosed):
        service.rotate_key(read_key(old).public_id)


def test_a_suspended_partners_keys_are_refused(client, partner, issue):
    key = issue("secret")
    service.update_partner(partner, {"status": "suspended"}, reason="contract ended")
    refused = square(client, key)
    assert refused.status_code == 403
    assert refused.json["code"] == "partner_suspended"
    service.update_partner(partner, {"status": "active"})
    assert square(client, key).status_code == 200


def test_last_used_is_kept_to_the_minute_without_a_write_per_request(
    app, client, db_session, issue, monkeypatch
):
    key = issue("secret")
    assert key_row(db_session, key).last_used_at is None
    square(client, key)
    first = key_row(db_session, key).last_used_at
    assert first is not None
    square(client, key)
    db_session.expire_all()
    assert key_row(db_session, key).last_used_at == first

    monkeypatch.setitem(app.config, "PARTNER_KEY_TOUCH_SECONDS", 0)
    square(client, key)
    db_session.expire_all()
    assert key_row(db_session, key).last_used_at > first
