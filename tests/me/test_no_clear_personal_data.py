"""After verifications of every kind, no table holds a clear number, full name or birth date.

The scan reads every text, bytea, JSON and array column of every table in the schema, found
through information_schema, so a column added later is scanned without changing this test.
"""

import json

from sqlalchemy import column, select, table, text

from app.auth.models import User
from tests.conftest import bearer
from tests.me.numbers import foreign_permanent, hmt_permit, resident_id

# (document type, number, full name, birth date) of made-up people.
PEOPLE = [
    ("resident_id", resident_id("510104", "19870614", "385"), "欧阳思远", "19870614"),
    ("hmt_residence_permit", hmt_permit("830000", "19720903", "516"), "林志明", "19720903"),
    (
        "foreign_permanent_residence",
        foreign_permanent("44", "826", "19650228", "731"),
        "Oliver Bennett",
        "19650228",
    ),
    ("resident_id", resident_id("350203", "19910127", "044"), "买买提·艾力", "19910127"),
]
SCANNED_TYPES = ("text", "character varying", "character", "bytea", "json", "jsonb", "ARRAY")


def forbidden_strings() -> list[str]:
    found = []
    for _type, number, name, birth in PEOPLE:
        found += [number, number.lower(), name, birth, f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"]
    return found


def every_value(db_session):
    """(table, column, value as text) for every scanned column of every table."""
    columns = db_session.execute(
        text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(:types)"
        ),
        {"types": list(SCANNED_TYPES)},
    ).all()
    for table_name, column_name, data_type in columns:
        query = select(column(column_name)).select_from(table(table_name))
        for value in db_session.scalars(query):
            if value is None:
                continue
            if data_type == "bytea":
                yield table_name, column_name, bytes(value).decode("latin-1")
                yield table_name, column_name, bytes(value).decode("utf-8", "replace")
            elif data_type in ("json", "jsonb", "ARRAY"):
                yield table_name, column_name, json.dumps(value, ensure_ascii=False, default=str)
                yield table_name, column_name, json.dumps(value, default=str)
            else:
                yield table_name, column_name, value


def test_no_column_of_any_table_holds_a_clear_number_name_or_birth_date(
    app, monkeypatch, client, faceid, consenting, verify, db_session, log_records
):
    faceid.people.update({number: name for _type, number, name, _birth in PEOPLE[:3]})
    # Each path a verification can take: a mismatch then a match, a provider refusal, a
    # rule rejection, a second account with a taken document, an outage, checksum-only.
    resident, permit, foreigner, uyghur = PEOPLE
    _, first = consenting("identity_verification")
    assert verify(first, "欧阳思源", resident[1], resident[0]).status_code == 422
    assert verify(first, resident[2], resident[1], resident[0]).status_code == 200
    _, second = consenting("identity_verification")
    assert verify(second, resident[2], resident[1], resident[0]).status_code == 409
    faceid.script.append({"Code": "InternalError", "Message": f"{permit[1]} {permit[2]}"})
    assert verify(second, permit[2], permit[1], permit[0]).status_code == 502
    assert verify(second, permit[2], permit[1], permit[0]).status_code == 200
    _, third = consenting("identity_verification")
    assert verify(third, foreigner[2], foreigner[1], "resident_id").status_code == 422
    assert verify(third, foreigner[2], foreigner[1], foreigner[0]).status_code == 200
    monkeypatch.setitem(app.config, "IDENTITY_PROVIDER", "checksum-only")
    fourth, pair = consenting("identity_verification")
    assert verify(pair, uyghur[2], uyghur[1], uyghur[0]).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(pair.access_token)).status_code == 200

    scanned = list(every_value(db_session))
    # The scan sees this test's rows: the masked names are there.
    masks = {value for table_name, _column, value in scanned if table_name == "users"}
    assert {"欧阳**", "林**", "O*****", "买****"} <= masks
    assert db_session.get(User, fourth.id).display_name == "买****"
    for forbidden in forbidden_strings():
        for table_name, column_name, value in scanned:
            assert forbidden not in value, f"{table_name}.{column_name} holds personal data"
    logged = json.dumps(log_records(), ensure_ascii=False)
    for forbidden in forbidden_strings():
        assert forbidden not in logged
