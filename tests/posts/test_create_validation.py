"""Every way a post can be refused names its field, in Chinese by default and in English on
request, and a refused post leaves nothing behind."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.catalog.models import Medicine
from app.china_time import today_in_china
from app.posts import create as making
from tests.posts.conftest import NO_ROWS, FrozenClock, committed_rows, need_body, offer_body

LONDON = {"lat": 51.5074, "lng": -0.1278}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def item(medicine="ibuprofen", quantity=2, unit="tablet", **more):
    return {"medicine": medicine, "quantity": quantity, "unit": unit, **more}


def offer_item(medicine="ibuprofen", quantity=2, unit="tablet", days=90, **more):
    expires = (datetime.now(UTC) + timedelta(days=days)).date().isoformat()
    return item(medicine, quantity, unit, **{"pack_expires_on": expires, "sealed": True, **more})


def without(body: dict, *path: str) -> dict:
    """The body with one (possibly nested) field left out."""
    *parents, last = path
    inner = body
    for name in parents:
        inner = inner[name]
    del inner[last]
    return body


IBUPROFEN_UNITS = "Must be one of: bottle, box, capsule, tablet."
RANGE_1_1000 = "Must be greater than or equal to 1 and less than or equal to 1000."
NOT_IN_CATALOG = "Not in the catalog of medicines that may be shared."
MISSING = "Missing data for required field."
NOT_A_MOBILE = "Enter a mainland mobile number: 11 digits starting with 13 to 19."

# (case, body, the field named, its English message)
CASES = [
    ("unknown kind", need_body(kind="gift"), "kind", "Must be one of: need, offer."),
    ("no kind", without(need_body(), "kind"), "kind", MISSING),
    ("no items", need_body(items=[]), "items", "Length must be between 1 and 10."),
    (
        "eleven items",
        need_body(items=[item("acetaminophen")] * 11),
        "items",
        "Length must be between 1 and 10.",
    ),
    ("unknown medicine", need_body(items=[item("oxycodone")]), "items.0.medicine", NOT_IN_CATALOG),
    (
        "disabled medicine",
        need_body(items=[item(), item("lianhua-qingwen", unit="capsule")]),
        "items.1.medicine",
        NOT_IN_CATALOG,
    ),
    (
        "prohibited medicine",
        need_body(items=[item("pholcodine")]),
        "items.0.medicine",
        NOT_IN_CATALOG,
    ),
    (
        "medicine listed twice",
        need_body(items=[item(), item("antigen-test", unit="test"), item(quantity=1)]),
        "items.2.medicine",
        "Listed twice in this post.",
    ),
    (
        "unit the entry does not allow",
        need_body(items=[item(unit="test")]),
        "items.0.unit",
        IBUPROFEN_UNITS,
    ),
    (
        "unit nobody allows",
        need_body(items=[item(unit="kilogram")]),
        "items.0.unit",
        IBUPROFEN_UNITS,
    ),
    (
        "quantity over the entry's cap",
        need_body(items=[item(quantity=21)]),
        "items.0.quantity",
        "Must be less than or equal to 20.",
    ),
    ("quantity 0", need_body(items=[item(quantity=0)]), "items.0.quantity", RANGE_1_1000),
    (
        "quantity not a number",
        need_body(items=[item(quantity="a few")]),
        "items.0.quantity",
        "Not a valid integer.",
    ),
    (
        "quantity with a fraction",
        need_body(items=[item(quantity=2.5)]),
        "items.0.quantity",
        "Not a valid integer.",
    ),
    (
        "offer without the pack's expiry",
        offer_body(items=[without(offer_item(), "pack_expires_on")]),
        "items.0.pack_expires_on",
        MISSING,
    ),
    (
        "offer without sealed",
        offer_body(items=[without(offer_item(), "sealed")]),
        "items.0.sealed",
        MISSING,
    ),
    (
        "offer of an expired pack",
        offer_body(items=[offer_item(days=-1)]),
        "items.0.pack_expires_on",
        "The pack must stay usable for at least 7 more days.",
    ),
    (
        "offer with a pack expiry that is not a date",
        offer_body(items=[offer_item(pack_expires_on="2027-02-30")]),
        "items.0.pack_expires_on",
        "Not a valid date.",
    ),
    (
        "need with a pack expiry",
        need_body(items=[item(pack_expires_on="2030-01-01")]),
        "items.0.pack_expires_on",
        "Only offers carry this.",
    ),
    (
        "need with sealed",
        need_body(items=[item(sealed=True)]),
        "items.0.sealed",
        "Only offers carry this.",
    ),
    ("offer with urgency", offer_body(urgency=["infant"]), "urgency", "Only needs carry this."),
    (
        "unknown urgency tag",
        need_body(urgency=["elderly", "vip"]),
        "urgency.1",
        "Must be one of: infant, child, elderly, pregnant, chronic_illness.",
    ),
    (
        "note of 501 characters",
        need_body(note="药" * 501),
        "note",
        "Longer than maximum length 500.",
    ),
    (
        "address hint of 101 characters",
        need_body(address_hint="门" * 101),
        "address_hint",
        "Longer than maximum length 100.",
    ),
    ("no contact phone", without(need_body(), "contact_phone"), "contact_phone", MISSING),
    ("phone starting 12", need_body(contact_phone="12912345678"), "contact_phone", NOT_A_MOBILE),
    ("phone of 10 digits", need_body(contact_phone="1391234567"), "contact_phone", NOT_A_MOBILE),
    ("landline", need_body(contact_phone="021-63211234"), "contact_phone", NOT_A_MOBILE),
    ("foreign mobile", need_body(contact_phone="+44 7700 900123"), "contact_phone", NOT_A_MOBILE),
    (
        "two numbers run together",
        need_body(contact_phone="139 1234 5678 139 123"),
        "contact_phone",
        NOT_A_MOBILE,
    ),
    ("no location", without(need_body(), "location"), "location", MISSING),
    ("no latitude", without(need_body(), "location", "lat"), "location.lat", MISSING),
    (
        "latitude out of range",
        need_body(location={"lat": 90.5, "lng": 121.47}),
        "location.lat",
        "Must be greater than or equal to -90 and less than or equal to 90.",
    ),
    (
        "latitude not a number",
        need_body(location={"lat": float("nan"), "lng": 121.47}),
        "location.lat",
        "Special numeric values (nan or infinity) are not permitted.",
    ),
    (
        "longitude out of range",
        need_body(location={"lat": 31.23, "lng": 181}),
        "location.lng",
        "Must be greater than or equal to -180 and less than or equal to 180.",
    ),
    (
        "London",
        need_body(location=LONDON),
        "location",
        "MedShare serves mainland China; this place is outside it.",
    ),
    (
        "London in GCJ-02",
        need_body(location={**LONDON, "coordinate_system": "gcj02"}),
        "location",
        "MedShare serves mainland China; this place is outside it.",
    ),
    (
        "unknown coordinate system",
        need_body(location={"lat": 31.23, "lng": 121.47, "coordinate_system": "bd09"}),
        "location.coordinate_system",
        "Must be one of: wgs84, gcj02.",
    ),
    ("unknown field", need_body(price=20), "price", "Unknown field."),
    (
        "unknown field of an item",
        need_body(items=[item(price=20)]),
        "items.0.price",
        "Unknown field.",
    ),
    (
        "unknown field of the location",
        need_body(location={"lat": 31.23, "lng": 121.47, "accuracy": 30}),
        "location.accuracy",
        "Unknown field.",
    ),
]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_refused_post_names_the_field_in_both_languages_and_writes_nothing(
    create, poster, db_session, body, field, message
):
    _, headers = poster()
    english = create(headers, body, **{"Accept-Language": "en", "Idempotency-Key": "k-1"})
    assert english.status_code == 422, english.json
    assert english.json["code"] == "validation_failed"
    assert english.json["errors"] == {field: [message]}

    chinese = create(headers, body, **{"Idempotency-Key": "k-1"})
    assert chinese.status_code == 422
    assert list(chinese.json["errors"]) == [field]
    assert CHINESE.search(chinese.json["errors"][field][0]), chinese.json["errors"]
    assert chinese.headers["Content-Language"] == "zh-CN"
    assert committed_rows(db_session) == NO_ROWS


def test_chinese_messages_say_the_rule_in_chinese(create, poster):
    _, headers = poster()
    response = create(
        headers,
        need_body(items=[item(quantity=21), item("oxycodone")], note="药" * 501),
    )
    assert response.json["errors"] == {"note": ["长度不能超过 500。"]}
    response = create(headers, need_body(items=[item(quantity=21), item("oxycodone")]))
    assert response.json["errors"] == {
        "items.0.quantity": ["必须小于或等于 20。"],
        "items.1.medicine": ["不在可分享的药品目录中。"],
    }


def test_the_medicines_refused_as_disabled_or_prohibited_are_in_the_catalog(catalog):
    # Otherwise the cases above would test "unknown", not "disabled" and "prohibited".
    entries = {
        medicine.code: medicine
        for medicine in catalog.scalars(
            select(Medicine).where(Medicine.code.in_(["lianhua-qingwen", "pholcodine"]))
        )
    }
    assert not entries["lianhua-qingwen"].enabled
    assert entries["lianhua-qingwen"].prohibited_reason is None
    assert not entries["pholcodine"].enabled
    assert entries["pholcodine"].prohibited_reason == "narcotic"


def test_every_bad_item_and_the_phone_and_place_are_named_at_once(create, poster):
    _, headers = poster()
    body = need_body(
        items=[item("oxycodone"), item(quantity=21)],
        contact_phone="12345",
        location=LONDON,
    )
    response = create(headers, body, **{"Accept-Language": "en"})
    assert set(response.json["errors"]) == {
        "items.0.medicine",
        "items.1.quantity",
        "contact_phone",
        "location",
    }


@pytest.mark.parametrize(("days", "status"), [(6, 422), (7, 201)])
def test_a_pack_must_keep_seven_days_counted_by_chinas_calendar(
    create, poster, monkeypatch, days, status
):
    monkeypatch.setattr(making, "datetime", FrozenClock)
    china_today = today_in_china(FrozenClock.instant)
    assert china_today == FrozenClock.instant.date() + timedelta(days=1)
    _, headers = poster()
    expires = (china_today + timedelta(days=days)).isoformat()
    body = offer_body(items=[offer_item(pack_expires_on=expires)])
    response = create(headers, body, **{"Accept-Language": "en"})
    assert response.status_code == status, response.json
    if status == 422:
        assert response.json["errors"] == {
            "items.0.pack_expires_on": ["The pack must stay usable for at least 7 more days."]
        }


@pytest.mark.parametrize(
    "written",
    ["+86 139 1234 5678", "139-1234-5678", "139 1234 5678", "008613912345678", "+86-139-1234-5678"],
)
def test_a_mobile_number_may_be_written_with_a_country_code_spaces_or_dashes(
    create, poster, written
):
    _, headers = poster()
    response = create(headers, need_body(contact_phone=written))
    assert response.status_code == 201, response.json
    assert response.json["contact_phone"] == "13912345678"
