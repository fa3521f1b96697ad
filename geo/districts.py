"""China's administrative divisions (GB/T 2260) with their boundaries, from geo/data.

geo/data/districts.geojson.gz is built by hand with geo/data/build_districts.py (its docstring
says from what, and docs/DATA.md says under which terms); nothing is downloaded at run time.
Boundaries are WGS 84 MultiPolygons, simplified to about 60 m from a source that is itself
coarse: see SLACK_DEGREES.
"""

import functools
import gzip
import json
import os
import re
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon, shape

DISTRICTS_PATH = os.path.join(os.path.dirname(__file__), "data", "districts.geojson.gz")
PROVINCE, PREFECTURE, COUNTY = 1, 2, 3
LEVELS = (PROVINCE, PREFECTURE, COUNTY)
# Taiwan, Hong Kong and Macao: areas of the table, but GCJ-02 and mainland rules do not apply.
NOT_MAINLAND = ("71", "81", "82")
CODE_PATTERN = re.compile(r"[0-9]{6}")
# The source boundaries are coarse (an urban district may have a few dozen vertices), so coastal
# land and small islands such as Gulangyu lie up to ~800 m outside them: about a kilometre of
# slack finds their division. In degrees, as the boundaries are.
SLACK_DEGREES = 0.01


class MalformedCode(ValueError):
    """Raised for a district code that is not six digits."""


@dataclass(frozen=True)
class District:
    """One division: a province (level 1), prefecture (2) or county-level division (3).

    A county directly under a province or a municipality (仙桃市, 东城区) has the province as
    parent_code; provinces have none.
    """

    code: str
    name_zh: str
    level: int
    parent_code: str | None
    boundary: MultiPolygon


def _read(levels: tuple[int, ...]) -> tuple[District, ...]:
    """The divisions of the given levels, parsed one line at a time.

    build_districts.py writes one feature a line, provinces first, so reading only provinces
    stops after 34 lines, and no more than one feature's JSON is in memory at once.
    """
    districts = []
    with gzip.open(DISTRICTS_PATH, "rt", encoding="utf-8") as handle:
        next(handle)  # {"type":"FeatureCollection","source":{...},"features":[
        for line in handle:
            if line.startswith("]"):
                break
            feature = json.loads(line.rstrip().removesuffix(","))
            properties = feature["properties"]
            if properties["level"] > max(levels):
                break
            if properties["level"] in levels:
                districts.append(District(**properties, boundary=shape(feature["geometry"])))
    return tuple(districts)


@functools.cache
def all_districts() -> tuple[District, ...]:
    """Every division in the data file: provinces, then prefectures, then counties, by code."""
    return _read(LEVELS)


@functools.cache
def provinces() -> tuple[District, ...]:
    """The provinces alone, read without the rest of the file (the outline needs no more)."""
    return _read((PROVINCE,))


@functools.cache
def _by_code() -> dict[str, District]:
    return {district.code: district for district in all_districts()}


def district(code: str) -> District | None:
    """The division with this GB/T 2260 code, or None if the data has no such code."""
    return _by_code().get(code)


def code_prefix(code: str) -> str:
    """The leading digits every code inside this division starts with.

    440000 -> "44", 440300 -> "4403", 440305 -> "440305". A municipality is a province: 110000
    -> "11" covers all of Beijing, and GB/T 2260's 110100 (市辖区), which the data has no row
    for, gives "1101", all the same districts.

    Raises:
        MalformedCode: code is not six digits.
    """
    if not CODE_PATTERN.fullmatch(code):
        raise MalformedCode(code)
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


@functools.cache
def mainland_outline() -> shapely.Geometry:
    """Mainland China, where GCJ-02 applies, as one prepared area (a point test takes
    microseconds).

    The union of every province but Taiwan, Hong Kong and Macao, widened by SLACK_DEGREES so
    coastal homes and small islands the coarse source boundaries leave out still count, but
    never to within SLACK_DEGREES of those three: near them only the mainland's own boundary
    counts.
    """
    # Provinces share their borders exactly (dissolved from one county coverage), so the fast
    # coverage union applies.
    mainland, elsewhere = (
        shapely.coverage_union_all(
            [p.boundary for p in provinces() if (p.code[:2] in NOT_MAINLAND) == outside]
        )
        for outside in (False, True)
    )
    widened = shapely.difference(
        shapely.buffer(mainland, SLACK_DEGREES), shapely.buffer(elsewhere, SLACK_DEGREES)
    )
    outline = shapely.union(mainland, widened)
    shapely.prepare(outline)
    return outline
