"""Where bench users live: spots around their city's seat, and each spot's county as the app's
district_code_at would find it, for a whole chunk of users at once (shapely 2's vectorised
predicates rather than one lookup per spot)."""

import numpy as np
import shapely

from geo.districts import SLACK_DEGREES, all_districts, mainland_outline
from geo.points import EARTH_RADIUS_M

SPOT_TRIES = 20


class Spots:
    """The divisions' boundaries, prepared and in a tree, built once per planner process."""

    def __init__(self, cities):
        self.cities = cities
        self._centre_lon = np.array([city.center.lon for city in cities])
        self._centre_lat = np.array([city.center.lat for city in cities])
        self._spread = np.array([city.spread_km * 1000 for city in cities])
        districts = all_districts()
        self._boundaries = np.array([d.boundary for d in districts])
        self._levels = np.array([d.level for d in districts])
        self._codes = [d.code for d in districts]
        shapely.prepare(self._boundaries)
        self._district_tree = shapely.STRtree(self._boundaries)

    def homes(self, rng: np.random.Generator, city_index: np.ndarray):
        """Spots around each user's city seat, redrawn where they fall outside the mainland
        (as create_post would refuse them); the seat after SPOT_TRIES misses, as in the demo."""
        centre_lon = self._centre_lon[city_index]
        centre_lat = self._centre_lat[city_index]
        spread = self._spread[city_index]
        lon, lat = centre_lon.copy(), centre_lat.copy()
        todo = np.ones(len(city_index), dtype=bool)
        for _try in range(SPOT_TRIES):
            east = rng.normal(0, spread)
            north = rng.normal(0, spread)
            # LonLat.offset, vectorised.
            new_lat = centre_lat + np.degrees(north / EARTH_RADIUS_M)
            new_lon = centre_lon + np.degrees(
                east / (EARTH_RADIUS_M * np.cos(np.radians(centre_lat)))
            )
            ok = todo & shapely.intersects_xy(mainland_outline(), new_lon, new_lat)
            lon[ok], lat[ok] = new_lon[ok], new_lat[ok]
            todo &= ~ok
            if not todo.any():
                break
        return lon, lat

    def area_codes(self, lon: np.ndarray, lat: np.ndarray) -> tuple[list, np.ndarray]:
        """Each spot's area_code as district_code_at finds it: of the divisions within
        SLACK_DEGREES, the nearest, the finest first among equals (distances in degrees, as
        PostGIS measures these geometries). Spots whose first two candidates tie on both
        (overlapping boundaries), where the database's order decides, are left to it (unsure).
        """
        points = shapely.points(lon, lat)
        # Inside a boundary is distance 0, nearer than any other: only the few spots inside
        # none (coast, islands) need distances to the divisions around them.
        point_index, district_index = self._inside(lon, lat, points)
        distance = np.zeros(len(point_index))
        outside = np.setdiff1d(np.arange(len(points)), point_index)
        if len(outside):
            near_index, near_district = self._district_tree.query(
                points[outside], predicate="dwithin", distance=SLACK_DEGREES
            )
            near_index = outside[near_index]
            point_index = np.concatenate([point_index, near_index])
            district_index = np.concatenate([district_index, near_district])
            distance = np.concatenate(
                [distance, shapely.distance(points[near_index], self._boundaries[near_district])]
            )
        level = self._levels[district_index]
        order = np.lexsort((-level, distance, point_index))
        point_index, district_index = point_index[order], district_index[order]
        distance, level = distance[order], level[order]
        first = np.ones(len(point_index), dtype=bool)
        first[1:] = point_index[1:] != point_index[:-1]
        tied = np.zeros(len(point_index), dtype=bool)
        tied[:-1] = ~first[1:] & (distance[1:] == distance[:-1]) & (level[1:] == level[:-1])
        codes = [None] * len(lon)
        unsure = np.zeros(len(lon), dtype=bool)
        for p, d, tie in zip(
            point_index[first].tolist(),
            district_index[first].tolist(),
            tied[first].tolist(),
            strict=True,
        ):
            codes[p] = self._codes[d]
            unsure[p] = tie
        return codes, unsure

    def _inside(self, lon, lat, points) -> tuple[np.ndarray, np.ndarray]:
        """(point, district) pairs where the point lies in the district: candidates by the
        tree's boxes, then one vectorised test per district against its prepared boundary
        (the tree's own predicate tests each pair unprepared, several times slower)."""
        point_index, district_index = self._district_tree.query(points)
        order = np.argsort(district_index, kind="stable")
        point_index, district_index = point_index[order], district_index[order]
        inside = np.zeros(len(point_index), dtype=bool)
        starts = np.flatnonzero(np.r_[True, district_index[1:] != district_index[:-1]])
        for start, end in zip(starts, np.r_[starts[1:], len(point_index)], strict=True):
            chosen = point_index[start:end]
            inside[start:end] = shapely.intersects_xy(
                self._boundaries[district_index[start]], lon[chosen], lat[chosen]
            )
        return point_index[inside], district_index[inside]
