"""Phone numbers users put in report and appeal notes reach moderators only, in an audited
read, and never a log line or anyone else's answer."""

import json

from sqlalchemy import select

from app.moderation.models import AuditEntry
from tests.moderation.conftest import offer_body
from tests.moderation.intake_helpers import (
    POSTS,
    appeal,
    open_case,
    read,
    report,
    rule_case,
    users,
)

# Not the posts' own contact number (offer_body's), so finding it means a note leaked.
WRITTEN = ("136-9876-5432", "13698765432")
REPORT_NOTE = "他让我加他微信转账，电话 136-9876-5432"
APPEAL_NOTE = "我没有卖药，有疑问打 13698765432 问我"


def leaked(texts) -> list[str]:
    return [text for text in texts if any(number in text for number in WRITTEN)]


def logged(log_records) -> list[str]:
    return [json.dumps(line, ensure_ascii=False) for line in log_records()]


def public_answers(client, post_id, *viewers) -> list:
    answers = [read(client, post_id, viewer) for viewer in ({}, *viewers)]
    answers += [client.get(POSTS), client.post(f"{POSTS}/search", json={})]
    assert all(answer.status_code == 200 for answer in answers)
    return answers


def test_a_report_note_with_a_phone_number_reaches_only_an_audited_moderator(
    log_records, client, sign_in, poster, create, moderator, db_session
):
    _, owner = poster("吴*")
    post_id = create(owner, offer_body()).json["id"]
    reporter, stranger = users(sign_in, 2)
    too_long = client.post(
        f"{POSTS}/{post_id}/reports",
        json={"reason": "trading", "note": REPORT_NOTE * 20},
        headers=reporter,
    )
    assert too_long.status_code == 422

    assert report(client, reporter, post_id, "trading", REPORT_NOTE).status_code == 201

    answers = [too_long, *public_answers(client, post_id, stranger, owner)]
    answers += [client.get(f"{POSTS}/mine", headers=owner), moderator.get("/queue")]
    assert leaked(answer.get_data(as_text=True) for answer in answers) == []
    case_id = open_case(post_id).id
    review = moderator.get(f"/cases/{case_id}")
    assert [entry["note"] for entry in review.json["reports"]] == [REPORT_NOTE]
    assert leaked(logged(log_records)) == []
    assert audited_reads(db_session, case_id) == ["mod.zhao"]


def test_an_appeal_note_with_a_phone_number_reaches_only_an_audited_moderator(
    log_records, client, sign_in, poster, create, moderator, db_session
):
    _, owner = poster("郑*")
    post_id = create(owner, offer_body(note=rule_case("sale_words"))).json["id"]
    decided = moderator.claim_and_decide(open_case(post_id).id, "mark_resolved")
    assert decided.status_code == 200, decided.get_json()
    [stranger] = users(sign_in, 1)

    appealed = appeal(client, owner, post_id, APPEAL_NOTE)

    assert appealed.status_code == 201, appealed.get_json()
    answers = [appealed, *public_answers(client, post_id, stranger, owner)]
    answers += [client.get(f"{POSTS}/mine", headers=owner), moderator.get("/queue")]
    assert leaked(answer.get_data(as_text=True) for answer in answers) == []
    case_id = open_case(post_id).id
    assert moderator.get(f"/cases/{case_id}").json["appeal_note"] == APPEAL_NOTE
    assert leaked(logged(log_records)) == []
    assert audited_reads(db_session, case_id) == ["mod.zhao"]


def test_every_read_of_an_original_note_is_audited_with_who_read_it(
    client, poster, create, staff_api, db_session
):
    _, owner = poster("冯*")
    note = "出售布洛芬，电话 13698765432"
    post_id = create(owner, offer_body(note=note)).json["id"]
    case_id = open_case(post_id).id
    moderator = staff_api("mod.chen")
    admin = staff_api("admin.he", "admin")
    assert moderator.get("/queue").status_code == 200
    assert audited_reads(db_session, case_id) == []

    reads = [moderator.get(f"/cases/{case_id}"), admin.get(f"/cases/{case_id}")]
    reads.append(moderator.get(f"/cases/{case_id}"))

    assert [answer.json["original_note"] for answer in reads] == [note] * 3
    assert {answer.json["masked_note"] for answer in reads} == {"出售布洛芬，电话 136****5432"}
    assert audited_reads(db_session, case_id) == ["mod.chen", "admin.he", "mod.chen"]
    # Its owner reads their own words without an entry: they are no one else's.
    assert read(client, post_id, owner).json["note"] == note
    assert audited_reads(db_session, case_id) == ["mod.chen", "admin.he", "mod.chen"]


def audited_reads(db_session, case_id: int) -> list[str]:
    """Who read the case's original, oldest first, from the audit table itself."""
    entries = db_session.scalars(
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id, AuditEntry.action == "view_original")
        .order_by(AuditEntry.id)
    )
    return [entry.staff.username for entry in entries]
