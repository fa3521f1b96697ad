"""`flask medshare register-partner` and friends: every change recorded, refusals in words."""

import re

import pytest
from sqlalchemy import select

from app.partners.keys import read_key
from app.partners.models import Partner, PartnerChange, PartnerKey

KEY = re.compile(r"^msk_\S+$", re.MULTILINE)


@pytest.fixture
def run(app, db_session, catalog):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=["medshare", *args])

    return run


def changes(db_session, code: str) -> list[PartnerChange]:
    return list(
        db_session.scalars(
            select(PartnerChange)
            .join(Partner, Partner.id == PartnerChange.partner_id)
            .where(Partner.code == code)
            .order_by(PartnerChange.id)
        )
    )


def test_register_update_issue_rotate_and_revoke_from_the_command_line(run, db_session):
    made = run(
        "register-partner", "gz-health", "--name", "广州健康", "--contact", "李女士",
        "--origin", "https://GZ.Health.example:443/", "--region", "440100",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    partner = db_session.scalars(select(Partner).where(Partner.code == "gz-health")).one()
    assert partner.origins == ["https://gz.health.example"]
    assert (partner.tier, partner.region_codes) == ("standard", ["440100"])

    updated = run("update-partner", "gz-health", "--tier", "large", "--no-region")
    assert updated.exit_code == 0, updated.output
    issued = run("issue-partner-key", "gz-health", "--kind", "public")
    [public] = KEY.findall(issued.output)
    rotated = run("rotate-partner-key", read_key(public).public_id, "--reason", "yearly")
    assert rotated.exit_code == 0, rotated.output
    [successor] = KEY.findall(rotated.output)
    assert "keeps working until" in rotated.output
    revoked = run("revoke-partner-key", read_key(successor).public_id, "--reason", "leaked")
    assert revoked.exit_code == 0, revoked.output

    recorded = changes(db_session, "gz-health")
    assert [change.action for change in recorded] == [
        "register", "update", "issue_key", "rotate_key", "revoke_key",
    ]  # fmt: skip
    assert all(change.staff_id is None for change in recorded)
    assert recorded[1].before["tier"] == "standard" and recorded[1].after["tier"] == "large"
    assert recorded[1].after["region_codes"] == []
    assert recorded[4].reason == "leaked"
    assert recorded[3].key_public_id == read_key(public).public_id
    keys = db_session.scalars(select(PartnerKey).where(PartnerKey.partner_id == partner.id))
    assert {key.public_id for key in keys} == {
        read_key(public).public_id,
        read_key(successor).public_id,
    }


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["register-partner", "Bad Code", "--name", "x", "--contact", "y"], "code:"),
        (["register-partner", "ok", "--name", "x", "--contact", "y", "--origin", "ftp://x"],
         "origins: Give web origins only"),
        (["register-partner", "ok", "--name", "x", "--contact", "y", "--origin", "http://a.cn"],
         "origins: An origin must use https"),
        (["register-partner", "ok", "--name", "x", "--contact", "y", "--tier", "gold"],
         "tier: Must be one of: standard, large."),
        (["register-partner", "ok", "--name", "x", "--contact", "y", "--region", "999999"],
         "region_codes: No district has these codes: 999999."),
        (["issue-partner-key", "nobody", "--kind", "public"], "No partner has the code nobody."),
        (["revoke-partner-key", "abcdefghijklmnop", "--reason", "x"],
         "No key has the public id abcdefghijklmnop."),
        (["update-partner", "nobody"], "nothing to change"),
    ],
)  # fmt: skip
def test_refusals_are_one_line_naming_the_field(run, args, says):
    result = run(*args)
    assert result.exit_code != 0
    assert says in result.output


def test_a_second_partner_with_the_same_code_is_refused(run):
    args = ("register-partner", "twice", "--name", "x", "--contact", "y")
    assert run(*args).exit_code == 0
    again = run(*args)
    assert again.exit_code != 0 and "Another partner has the code twice." in again.output
