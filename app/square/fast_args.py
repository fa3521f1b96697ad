"""The square's query string read without marshmallow's per-request cost, for the plain queries
nearly every request is.

webargs and marshmallow took a fifth of a square request's CPU (measured in the commit that made
this module). The fast path accepts only a strict subset of what SquareQuerySchema accepts, and
for it loads exactly what the schema loads: the same keys, types and fingerprint, checked by the
schema's own consistency rule. Anything else (an unknown or repeated key, a value outside the
subset, an inconsistent combination) goes through the schema as before, which then gives the
answer, 422s included. tests/square/test_fast_args.py holds the two paths equal.
"""

import re
from collections.abc import Callable
from functools import wraps

import marshmallow as ma
from flask import request

from app.posts.models import MAX_ITEMS_PER_POST, POST_KINDS, URGENCY_TAGS
from app.square.schemas import (
    CURSOR_MAX_LENGTH,
    GROUP_CODE_MAX_LENGTH,
    MAX_RADIUS_M,
    MEDICINE_CODE_MAX_LENGTH,
    PAGE_LIMIT_MAX,
    SquareQuerySchema,
)
from app.square.service import SORTS
from geo.coordinates import COORDINATE_SYSTEMS

# Plain decimals only: float() of these is what marshmallow's Float gives; exponents, "nan",
# "inf", spaces and the like go to the schema.
_DECIMAL = re.compile(r"-?\d{1,3}(?:\.\d{1,17})?\Z")
_WHOLE = re.compile(r"[1-9]\d{0,5}\Z")
_DISTRICT = re.compile(r"\d{6}\Z")
_SCHEMA = SquareQuerySchema()
_DEFAULT_SYSTEM = _SCHEMA.fields["coordinate_system"].load_default


class _Unsure(Exception):
    """The value is outside the fast path's subset: the schema decides."""


def _decimal(bound: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        if not _DECIMAL.match(value):
            raise _Unsure
        number = float(value)
        if not -bound <= number <= bound:
            raise _Unsure
        return number

    return parse


def _whole(maximum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not _WHOLE.match(value):
            raise _Unsure
        number = int(value)
        if number > maximum:
            raise _Unsure
        return number

    return parse


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise _Unsure
        return value

    return parse


def _text(max_length: int, pattern: re.Pattern | None = None) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not value or len(value) > max_length or (pattern and not pattern.match(value)):
            raise _Unsure
        return value

    return parse


def _listed(item: Callable[[str], str], max_items: int | None = None) -> Callable[[str], list]:
    def parse(value: str) -> list[str]:
        parts = value.split(",")
        if max_items is not None and len(parts) > max_items:
            raise _Unsure
        return [item(part) for part in parts]

    return parse


# By query key: the schema's field, narrowed. Fields missing here (bbox, polygon) always take
# the schema's path.
_FIELDS: dict[str, Callable[[str], object]] = {
    "lat": _decimal(90),
    "lng": _decimal(180),
    "coordinate_system": _one_of(COORDINATE_SYSTEMS),
    "sort": _one_of(SORTS),
    "kind": _one_of(POST_KINDS),
    "medicine": _listed(_text(MEDICINE_CODE_MAX_LENGTH), MAX_ITEMS_PER_POST),
    "group": _text(GROUP_CODE_MAX_LENGTH),
    "urgency": _listed(_one_of(URGENCY_TAGS)),
    "radius_m": _whole(MAX_RADIUS_M),
    "district": _text(6, _DISTRICT),
    "cursor": _text(CURSOR_MAX_LENGTH),
    "limit": _whole(PAGE_LIMIT_MAX),
}


def fast_square_args(parsed_view: Callable) -> Callable:
    """Wraps a view decorated with SquareQuerySchema's @bp.arguments (which stays, for the
    OpenAPI document and for every request the fast path is unsure of)."""
    # What webargs' wrapper calls with the loaded arguments.
    view = parsed_view.__wrapped__

    @wraps(parsed_view)
    def square_view(*args, **kwargs):
        loaded = square_args(request.args)
        if loaded is None:
            return parsed_view(*args, **kwargs)
        return view(*args, loaded, **kwargs)

    return square_view


def square_args(query) -> dict | None:
    """What SquareQuerySchema loads from `query` (a MultiDict), or None when unsure."""
    data = {}
    try:
        for key, values in query.lists():
            if len(values) != 1 or key not in _FIELDS:
                return None
            data[key] = _FIELDS[key](values[0])
        data.setdefault("coordinate_system", _DEFAULT_SYSTEM)
        _SCHEMA.consistent(data)
    except (_Unsure, ma.ValidationError):
        return None
    return _SCHEMA.with_fingerprint(data)
