"""What a partner's fields may hold, checked the same way from the CLI and the review page."""

import re
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from app.areas.models import District
from app.errors import FieldsInvalid
from app.extensions import db
from app.partners.models import (
    CODE_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    KEY_KINDS,
    NAME_MAX_LENGTH,
    ORIGIN_MAX_LENGTH,
    PARTNER_STATUSES,
    REASON_MAX_LENGTH,
)

CODE = re.compile(rf"[a-z0-9][a-z0-9-]{{1,{CODE_MAX_LENGTH - 1}}}")
DISTRICT_CODE = re.compile(r"[0-9]{6}")
# Plain http only for a partner's own machine during development; browsers treat these as
# secure contexts too.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_PORTS = {"https": 443, "http": 80}
MAX_ORIGINS = 20
MAX_REGION_CODES = 50

MISSING = "Missing data for required field."
CODE_FORM = "Lower-case letters, digits and -, 2 to 40 characters, not starting with -."
TEXT_LENGTH = "Length must be between 1 and {max}."
ORIGIN_FORM = "Give web origins only: https://host or https://host:port, no path."
ORIGIN_HTTPS = "An origin must use https (plain http only for localhost)."
TOO_MANY = "At most {max} of these."
ONE_OF = "Must be one of: {choices}."
UNKNOWN_DISTRICTS = "No district has these codes: {codes}."


def checked(values: dict, *, required: bool) -> dict:
    """The values given, checked and normalised; with required, code, name and contact must be
    there and tier defaults to PARTNER_DEFAULT_TIER.

    Raises:
        FieldsInvalid: naming every field that is wrong, all at once.
    """
    values = dict(values)
    if required:
        values.setdefault("tier", current_app.config["PARTNER_DEFAULT_TIER"])
    errors: dict[str, list[str]] = {}
    result = {}
    for name, check in _CHECKS.items():
        if name not in values:
            if required and name in _REQUIRED:
                errors[name] = [MISSING]
            continue
        try:
            result[name] = check(values[name])
        except ValueError as error:
            errors[name] = [str(error)]
    if errors:
        raise FieldsInvalid(errors=errors)
    return result


def checked_kind(kind: str) -> str:
    if kind not in KEY_KINDS:
        raise FieldsInvalid(errors={"kind": [ONE_OF.format(choices=", ".join(KEY_KINDS))]})
    return kind


def checked_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise FieldsInvalid(errors={"reason": [TEXT_LENGTH.format(max=REASON_MAX_LENGTH)]})
    return reason


def normalised_origin(text: str) -> str:
    """An origin as browsers send it in Origin: scheme://host[:port], lower case, no default port.

    Raises:
        ValueError: not an origin, or plain http to anywhere but this machine.
    """
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as error:
        raise ValueError(ORIGIN_FORM) from error
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(ORIGIN_FORM)
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise ValueError(ORIGIN_HTTPS)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown_port = f":{port}" if port is not None and port != DEFAULT_PORTS[parts.scheme] else ""
    origin = f"{parts.scheme}://{host}{shown_port}"
    if len(origin) > ORIGIN_MAX_LENGTH:
        raise ValueError(ORIGIN_FORM)
    return origin


def _code(value: str) -> str:
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise ValueError(CODE_FORM)
    return value


def _text(max_length: int):
    def check(value: str) -> str:
        value = value.strip() if isinstance(value, str) else ""
        if not value or len(value) > max_length:
            raise ValueError(TEXT_LENGTH.format(max=max_length))
        return value

    return check


def _origins(values: list[str]) -> list[str]:
    origins = list(dict.fromkeys(normalised_origin(value) for value in values))
    if len(origins) > MAX_ORIGINS:
        raise ValueError(TOO_MANY.format(max=MAX_ORIGINS))
    return origins


def _tier(value: str) -> str:
    tiers = current_app.config["RATE_LIMIT_TIERS"]
    if value not in tiers:
        raise ValueError(ONE_OF.format(choices=", ".join(tiers)))
    return value


def _region_codes(values: list[str]) -> list[str]:
    codes = sorted(set(values))
    if len(codes) > MAX_REGION_CODES:
        raise ValueError(TOO_MANY.format(max=MAX_REGION_CODES))
    well_formed = [code for code in codes if DISTRICT_CODE.fullmatch(code)]
    known = set(db.session.scalars(select(District.code).where(District.code.in_(well_formed))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValueError(UNKNOWN_DISTRICTS.format(codes=", ".join(unknown)))
    return codes


def _status(value: str) -> str:
    if value not in PARTNER_STATUSES:
        raise ValueError(ONE_OF.format(choices=", ".join(PARTNER_STATUSES)))
    return value


_CHECKS = {
    "code": _code,
    "name": _text(NAME_MAX_LENGTH),
    "contact": _text(CONTACT_MAX_LENGTH),
    "origins": _origins,
    "tier": _tier,
    "region_codes": _region_codes,
    "status": _status,
}
_REQUIRED = ("code", "name", "contact")
