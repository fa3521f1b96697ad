"""The cities of mainland China, by their seats, from geo/data/cities.yaml.

The file is written by geo/data/build_cities.py, whose docstring says from what and which places
count as cities.
"""

import functools
import os
from dataclasses import dataclass

import yaml

from geo.points import LonLat

CITIES_PATH = os.path.join(os.path.dirname(__file__), "data", "cities.yaml")
BUSIEST_COUNT = 6
# libyaml reads the 750-odd rows about seven times faster than the pure-Python loader.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class City:
    """A city: its GB/T 2260 code, its seat (WGS 84), and its share and spread of demo posts."""

    area_code: str
    name_zh: str
    center: LonLat
    spread_km: float
    weight: int


@functools.cache
def cities() -> tuple[City, ...]:
    """Every city of mainland China, the busiest of December 2022 first, then by weight."""
    with open(CITIES_PATH, encoding="utf-8") as handle:
        rows = yaml.load(handle, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    return tuple(City(**{**row, "center": LonLat(*row["center"])}) for row in rows)


def busiest_cities() -> tuple[City, ...]:
    """The six cities with the most posts in December 2022, busiest first."""
    return cities()[:BUSIEST_COUNT]
