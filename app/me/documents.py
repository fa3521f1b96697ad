"""Identity documents' numbers: normalised, then checked against the rules of their type.

Pure Python, no Flask: the service passes in today's date and the minimum age. All three types
share the GB 11643 form, 17 digits and an ISO 7064 MOD 11-2 check character:

- resident_id: region code (GB/T 2260, 6) + birth date (8) + sequence (3) + check (1);
- hmt_residence_permit: 810000 / 820000 / 830000 (Hong Kong / Macao / Taiwan) in place of
  the region code, the rest as above;
- foreign_permanent_residence (2023 card): 9 + province of the issuing authority (2) +
  nationality (ISO 3166-1 numeric, 3) + birth date (8) + sequence (3) + check (1).

A rejection names the request field to blame and carries an English message that the
translation table (app/me/messages.yaml) renders in the user's language. Messages never repeat
the number or any part of it.
"""

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import yaml

from app.auth.identity import check_character

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
REGIONS_PATH = os.path.join(DATA_DIR, "regions.yaml")
NATIONALITIES_PATH = os.path.join(DATA_DIR, "nationalities.yaml")

RESIDENT_ID = "resident_id"
HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"
DOCUMENT_TYPES = (RESIDENT_ID, HMT_RESIDENCE_PERMIT, FOREIGN_PERMANENT_RESIDENCE)

NUMBER_FORM = re.compile(r"[0-9]{17}[0-9X]")
# Hong Kong, Macao and Taiwan residents' permits carry one of these where the region code goes.
HMT_PREFIXES = ("810000", "820000", "830000")
# The first digit of a foreigner's permanent residence number; mainland region codes start 1-6.
FOREIGNER_MARK = "9"
EARLIEST_BIRTH_YEAR = 1900
# libyaml reads the 7,400 region codes about ten times faster than the pure-Python loader.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NUMBER_FIELD = "document_number"
TYPE_FIELD = "document_type"
WRONG_FORM = "Enter the 18 characters of the document number: 17 digits, then a digit or X."
WRONG_CHECK = "The last character does not match the others; check the number for typing errors."
WRONG_TYPE = "This number is not of the chosen document type."
UNKNOWN_REGION = "The region code at the start of the number is unknown."
UNKNOWN_NATIONALITY = "The nationality code in the number is unknown."
NOT_A_DATE = "The birth date in the number is not a real date."
FUTURE_BIRTH = "The birth date in the number is in the future."
TOO_EARLY_BIRTH = "The birth date in the number is before {year}."
TOO_YOUNG = "You must be at least {age} years old to verify your identity."


class DocumentRejected(ValueError):
    """The number breaks a rule; `field` is the request field to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Document:
    """A number that passed every rule of its type, in normal form. Never store or log it."""

    type: str
    number: str


@dataclass(frozen=True)
class _Layout:
    birth_date: slice
    region: slice | None = None
    province: slice | None = None
    nationality: slice | None = None


LAYOUTS = {
    RESIDENT_ID: _Layout(region=slice(0, 6), birth_date=slice(6, 14)),
    HMT_RESIDENCE_PERMIT: _Layout(birth_date=slice(6, 14)),
    FOREIGN_PERMANENT_RESIDENCE: _Layout(
        province=slice(1, 3), nationality=slice(3, 6), birth_date=slice(6, 14)
    ),
}


@functools.cache
def region_codes() -> frozenset[str]:
    """Every GB/T 2260 code a resident identity number can begin with, abolished ones included."""
    with open(REGIONS_PATH, encoding="utf-8") as handle:
        return frozenset(yaml.load(handle, Loader=YAML_LOADER))  # noqa: S506 - a safe loader


@functools.cache
def nationality_codes() -> frozenset[str]:
    with open(NATIONALITIES_PATH, encoding="utf-8") as handle:
        return frozenset(yaml.safe_load(handle))


def normalise_number(text: str) -> str:
    """The number as issued: full-width characters folded, spaces dropped, x upper-cased."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).upper()


def check_document(document_type: str, text: str, *, today: date, minimum_age: int) -> Document:
    """Normalise a document number and check it against every rule of its type.

    Args:
        document_type: one of DOCUMENT_TYPES.
        text: the number as the user typed it.
        today: the date in China (see today_in_china), for the birth date and age rules.
        minimum_age: the age in whole years the holder must have reached today.

    Returns:
        The document with its number in normal form.

    Raises:
        DocumentRejected: naming the field to blame and why.
    """
    number = normalise_number(text)
    if not NUMBER_FORM.fullmatch(number):
        raise DocumentRejected(NUMBER_FIELD, WRONG_FORM)
    if check_character(number[:17]) != number[17]:
        raise DocumentRejected(NUMBER_FIELD, WRONG_CHECK)
    if _type_of(number) != document_type:
        raise DocumentRejected(TYPE_FIELD, WRONG_TYPE)
    layout = LAYOUTS[document_type]
    if layout.region and number[layout.region] not in region_codes():
        raise DocumentRejected(NUMBER_FIELD, UNKNOWN_REGION)
    if layout.province and f"{number[layout.province]}0000" not in region_codes():
        raise DocumentRejected(NUMBER_FIELD, UNKNOWN_REGION)
    if layout.nationality and number[layout.nationality] not in nationality_codes():
        raise DocumentRejected(NUMBER_FIELD, UNKNOWN_NATIONALITY)
    _check_birth_date(number[layout.birth_date], today, minimum_age)
    return Document(document_type, number)


def age_on(birth: date, today: date) -> int:
    """Whole years from birth to today; someone born on 29 February comes of age on 1 March."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _type_of(number: str) -> str:
    if number.startswith(FOREIGNER_MARK):
        return FOREIGN_PERMANENT_RESIDENCE
    if number.startswith(HMT_PREFIXES):
        return HMT_RESIDENCE_PERMIT
    return RESIDENT_ID


def _check_birth_date(digits: str, today: date, minimum_age: int) -> None:
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise DocumentRejected(NUMBER_FIELD, NOT_A_DATE) from None
    if birth > today:
        raise DocumentRejected(NUMBER_FIELD, FUTURE_BIRTH)
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise DocumentRejected(NUMBER_FIELD, TOO_EARLY_BIRTH.format(year=EARLIEST_BIRTH_YEAR))
    if age_on(birth, today) < minimum_age:
        raise DocumentRejected(NUMBER_FIELD, TOO_YOUNG.format(age=minimum_age))
