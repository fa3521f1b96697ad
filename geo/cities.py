"""The cities MedShare knows by name, from geo/data/busiest-cities.yaml."""

import functools
import os
from dataclasses import dataclass

import yaml

from geo.points import LonLat

CITIES_PATH = os.path.join(os.path.dirname(__file__), "data", "busiest-cities.yaml")


@dataclass(frozen=True)
class City:
    code: str
    name_zh: str
    name_en: str
    area_code: str
    center: LonLat
    spread_km: float
    weight: int


@functools.cache
def busiest_cities() -> tuple[City, ...]:
    """The six cities with the most posts in December 2022, busiest first."""
    with open(CITIES_PATH, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle)
    return tuple(City(**{**row, "center": LonLat(*row["center"])}) for row in rows)
