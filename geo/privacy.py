"""Location privacy: where the square says a post is, and how far it says it is.

A post is shown at the centre of the grid cell its spot lies in, never at the spot. The cell is
fixed by the spot alone, so every answer about a post uses the same public point: asking from
many places, or many times, narrows it down to the cell and no further. Distances are measured
from that point and rounded, so moving the asking point cannot trilaterate the poster either.
"""

import math
from dataclasses import dataclass

from geo.points import EARTH_RADIUS_M, LonLat

METRES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_M / 180
# Distances are told in steps of 100 m; below 500 m only "nearby" (a cell is about 500 m wide,
# so a finer figure would describe the grid, not the walk).
DISTANCE_STEP_M = 100
NEARBY_BELOW_M = 500


def snap_to_grid(point: LonLat, cell_m: float) -> LonLat:
    """The centre of the grid cell of about cell_m by cell_m metres that contains point.

    Rows are cell_m tall; each row is cut into cells cell_m wide at the row's middle latitude,
    so cells stay square on the ground from Hainan to Heilongjiang.

    Args:
        point: the exact WGS 84 spot.
        cell_m: the side of a cell in metres.
    """
    row_height = cell_m / METRES_PER_DEGREE_LATITUDE
    row = math.floor(point.lat / row_height)
    centre_lat = (row + 0.5) * row_height
    cell_width = cell_m / (METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(centre_lat)))
    column = math.floor(point.lon / cell_width)
    return LonLat((column + 0.5) * cell_width, centre_lat)


@dataclass(frozen=True)
class PublicDistance:
    """A distance as the square tells it: `metres` rounded to DISTANCE_STEP_M, or None (with
    `nearby` True) below NEARBY_BELOW_M."""

    metres: int | None
    nearby: bool


def public_distance(metres: float) -> PublicDistance:
    """Round a distance between public points for showing.

    Args:
        metres: ground distance from the asker to a post's public point.
    """
    if metres < NEARBY_BELOW_M:
        return PublicDistance(None, True)
    return PublicDistance(round(metres / DISTANCE_STEP_M) * DISTANCE_STEP_M, False)
