"""Document numbers of each type pass or fail each rule, and the rejection names its field."""

from datetime import UTC, date, datetime

import pytest

from app.china_time import today_in_china
from app.me import documents
from app.me.documents import (
    FOREIGN_PERMANENT_RESIDENCE,
    HMT_RESIDENCE_PERMIT,
    RESIDENT_ID,
    DocumentRejected,
    age_on,
    check_document,
    region_codes,
)
from geo.districts import COUNTY, all_districts
from tests.me.numbers import (
    foreign_permanent,
    hmt_permit,
    resident_id,
    resident_id_ending_in_x,
    with_check,
    with_wrong_check,
)

TODAY = date(2026, 11, 23)
ADULT_AGE = 18

VALID = [
    (RESIDENT_ID, resident_id()),
    # 崇文区 (110103) was merged away in 2010; numbers issued there keep its code.
    (RESIDENT_ID, resident_id(region="110103")),
    # 燕山区 (110110) existed only until 1986.
    (RESIDENT_ID, resident_id(region="110110", birth="19600315")),
    (RESIDENT_ID, resident_id(region="440305", birth="20000229")),
    (RESIDENT_ID, resident_id(region="650102", birth="19000101")),
    # Exactly 18 today.
    (RESIDENT_ID, resident_id(birth="20081123")),
    (RESIDENT_ID, resident_id_ending_in_x()),
    (HMT_RESIDENCE_PERMIT, hmt_permit("810000")),
    (HMT_RESIDENCE_PERMIT, hmt_permit("820000", birth="19751231")),
    (HMT_RESIDENCE_PERMIT, hmt_permit("830000", birth="19920606")),
    (FOREIGN_PERMANENT_RESIDENCE, foreign_permanent()),
    (FOREIGN_PERMANENT_RESIDENCE, foreign_permanent(province="44", nationality="392")),
    (FOREIGN_PERMANENT_RESIDENCE, foreign_permanent(province="31", nationality="276")),
]

FORM = ("document_number", documents.WRONG_FORM)
CHECK = ("document_number", documents.WRONG_CHECK)
TYPE = ("document_type", documents.WRONG_TYPE)
REGION = ("document_number", documents.UNKNOWN_REGION)
NATIONALITY = ("document_number", documents.UNKNOWN_NATIONALITY)
NOT_A_DATE = ("document_number", documents.NOT_A_DATE)
FUTURE = ("document_number", documents.FUTURE_BIRTH)
TOO_EARLY = ("document_number", "The birth date in the number is before 1900.")
TOO_YOUNG = ("document_number", "You must be at least 18 years old to verify your identity.")

INVALID = [
    ("17 digits", RESIDENT_ID, resident_id()[:17], FORM),
    ("19 characters", RESIDENT_ID, resident_id() + "1", FORM),
    ("empty", RESIDENT_ID, "", FORM),
    ("a letter inside", RESIDENT_ID, "11010519800101A12X", FORM),
    ("X not last", RESIDENT_ID, "1101051980010112X3", FORM),
    ("a dash inside", RESIDENT_ID, "110105-19800101-1234", FORM),
    ("15-digit first generation", RESIDENT_ID, "110105800101123", FORM),
    ("wrong check digit", RESIDENT_ID, with_wrong_check("11010519800101123"), CHECK),
    ("wrong check digit, HMT", HMT_RESIDENCE_PERMIT, with_wrong_check("81000019800101123"), CHECK),
    ("foreign with 17 digits", FOREIGN_PERMANENT_RESIDENCE, foreign_permanent()[:17], FORM),
    (
        "wrong check, foreign",
        FOREIGN_PERMANENT_RESIDENCE,
        with_wrong_check("91184019800101123"),
        CHECK,
    ),
    ("HMT number as resident ID", RESIDENT_ID, hmt_permit("820000"), TYPE),
    ("foreign number as resident ID", RESIDENT_ID, foreign_permanent(), TYPE),
    ("resident number as HMT permit", HMT_RESIDENCE_PERMIT, resident_id(), TYPE),
    ("HMT permit with a made-up prefix", HMT_RESIDENCE_PERMIT, hmt_permit("810001"), TYPE),
    ("resident number as foreign", FOREIGN_PERMANENT_RESIDENCE, resident_id(), TYPE),
    ("HMT number as foreign", FOREIGN_PERMANENT_RESIDENCE, hmt_permit(), TYPE),
    ("region 000000", RESIDENT_ID, resident_id(region="000000"), REGION),
    ("region that never was", RESIDENT_ID, resident_id(region="119999"), REGION),
    ("Taiwan's GB/T 2260 code", RESIDENT_ID, resident_id(region="710000"), REGION),
    ("unknown issuing province", FOREIGN_PERMANENT_RESIDENCE, foreign_permanent("99"), REGION),
    (
        "unknown nationality",
        FOREIGN_PERMANENT_RESIDENCE,
        foreign_permanent("11", "000"),
        NATIONALITY,
    ),
    ("30 February", RESIDENT_ID, resident_id(birth="19800230"), NOT_A_DATE),
    ("month 13", RESIDENT_ID, resident_id(birth="19801301"), NOT_A_DATE),
    ("day 00", RESIDENT_ID, resident_id(birth="19800100"), NOT_A_DATE),
    ("29 February, no leap year", RESIDENT_ID, resident_id(birth="19000229"), NOT_A_DATE),
    ("year 0000", RESIDENT_ID, resident_id(birth="00000101"), NOT_A_DATE),
    ("HMT impossible date", HMT_RESIDENCE_PERMIT, hmt_permit(birth="19790431"), NOT_A_DATE),
    (
        "foreign impossible date",
        FOREIGN_PERMANENT_RESIDENCE,
        foreign_permanent(birth="19810230"),
        NOT_A_DATE,
    ),
    ("born tomorrow", RESIDENT_ID, resident_id(birth="20261124"), FUTURE),
    ("born in 2030", HMT_RESIDENCE_PERMIT, hmt_permit(birth="20300101"), FUTURE),
    ("born 1899", RESIDENT_ID, resident_id(birth="18991231"), TOO_EARLY),
    ("18 tomorrow", RESIDENT_ID, resident_id(birth="20081124"), TOO_YOUNG),
    ("a child", HMT_RESIDENCE_PERMIT, hmt_permit(birth="20150601"), TOO_YOUNG),
    ("foreign child", FOREIGN_PERMANENT_RESIDENCE, foreign_permanent(birth="20200101"), TOO_YOUNG),
]


@pytest.mark.parametrize(("document_type", "number"), VALID)
def test_valid_numbers_pass_in_normal_form(document_type, number):
    document = check_document(document_type, number, today=TODAY, minimum_age=ADULT_AGE)
    assert document.type == document_type
    assert document.number == number


@pytest.mark.parametrize(
    ("case", "document_type", "number", "expected"), INVALID, ids=[row[0] for row in INVALID]
)
def test_each_broken_rule_is_rejected_on_its_field(case, document_type, number, expected):
    with pytest.raises(DocumentRejected) as rejected:
        check_document(document_type, number, today=TODAY, minimum_age=ADULT_AGE)
    assert (rejected.value.field, rejected.value.message) == expected


@pytest.mark.parametrize(
    "written",
    [
        lambda number: number.lower(),
        lambda number: f" {number[:6]} {number[6:14]} {number[14:]} ",
        # Full-width digits and letters, as Chinese input methods type them.
        lambda number: "".join(chr(ord(c) + 0xFEE0) for c in number.lower()),
        lambda number: number[:9] + "\u3000" + number[9:],
    ],
    ids=["lower-case x", "spaces", "full-width", "ideographic space"],
)
def test_numbers_are_normalised_before_the_rules(written):
    number = resident_id_ending_in_x()
    document = check_document(RESIDENT_ID, written(number), today=TODAY, minimum_age=ADULT_AGE)
    assert document.number == number


def test_the_minimum_age_is_a_setting_not_a_constant():
    number = resident_id(birth="20060101")
    assert check_document(RESIDENT_ID, number, today=TODAY, minimum_age=18)
    with pytest.raises(DocumentRejected, match="at least 21"):
        check_document(RESIDENT_ID, number, today=TODAY, minimum_age=21)


@pytest.mark.parametrize(
    ("today", "age"),
    [(date(2026, 2, 28), 17), (date(2026, 3, 1), 18), (date(2028, 2, 29), 20)],
)
def test_someone_born_on_29_february_comes_of_age_on_1_march(today, age):
    assert age_on(date(2008, 2, 29), today) == age


def test_ages_count_on_the_date_in_china_not_the_servers():
    # 17:00 UTC on the 23rd is already 01:00 on the 24th in Beijing.
    assert today_in_china(datetime(2026, 11, 23, 17, 0, tzinfo=UTC)) == date(2026, 11, 24)
    assert today_in_china(datetime(2026, 11, 23, 15, 59, tzinfo=UTC)) == date(2026, 11, 23)


def test_a_number_with_a_wrong_check_character_is_rejected_before_anything_else():
    # A typo anywhere shows as a bad check character rather than as whatever it broke.
    number = with_check("11010519800101123")
    typo = "11910" + number[5:]
    with pytest.raises(DocumentRejected) as rejected:
        check_document(RESIDENT_ID, typo, today=TODAY, minimum_age=ADULT_AGE)
    assert rejected.value.message == documents.WRONG_CHECK


def test_region_table_holds_current_and_abolished_codes_but_no_permit_prefixes():
    codes = region_codes()
    assert {"110105", "110103", "440305", "500000", "659011"} <= codes
    assert not {code for code in codes if code[:2] in {"71", "81", "82", "83"}}
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_every_county_code_the_districts_data_has_is_a_known_region():
    # The map and the identity check must agree on what a county code is.
    counties = {district.code for district in all_districts() if district.level == COUNTY}
    assert counties <= region_codes()


def test_rejections_never_repeat_the_number():
    number = resident_id(region="119999")
    with pytest.raises(DocumentRejected) as rejected:
        check_document(RESIDENT_ID, number, today=TODAY, minimum_age=ADULT_AGE)
    assert "119999" not in str(rejected.value.args)
