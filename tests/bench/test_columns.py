"""bench/columns.py's vectorised functions give what the app's own per-row functions give."""

import math
import random

import numpy as np
import shapely

from app.auth.identity import check_character, id_number_digest
from app.posts.contact import _fernet, decrypt_phone
from app.posts.service import PUBLIC_JITTER_M
from bench.columns import (
    encrypt_phones,
    ewkb_points,
    id_number_digests,
    iso_times,
    public_cells,
    public_positions,
)
from geo.mercator import to_mercator
from geo.points import LonLat
from geo.privacy import snap_to_grid


def spots(count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return rng.uniform(73.5, 134.8, count), rng.uniform(18.2, 53.5, count)


def test_public_cells_are_the_apps_grid_cells_in_mercator(app):
    lon, lat = spots(500)
    grid = app.config["PUBLIC_GRID_METRES"]
    x, y = public_cells(lon, lat, grid)
    for index in range(len(lon)):
        expected = to_mercator(snap_to_grid(LonLat(lon[index], lat[index]), grid))
        assert math.dist((x[index], y[index]), expected) < 1e-6, (lon[index], lat[index])


def test_public_positions_jitter_each_post_by_under_half_a_metre_as_ewkb():
    x, y = np.full(200, 1.2e7), np.full(200, 2.5e6)
    shown = shapely.from_wkb(public_positions(np.random.default_rng(1), x, y, 3857))
    points = shapely.get_coordinates(shown)
    assert set(shapely.get_srid(shown).tolist()) == {3857}
    assert len({tuple(point) for point in points.tolist()}) == 200
    assert np.all(np.abs(points - [1.2e7, 2.5e6]) <= PUBLIC_JITTER_M)


def test_ewkb_points_hold_the_very_doubles_of_the_apps_ewkt():
    lon, lat = spots(100)
    for text, expected in zip(
        ewkb_points(lon, lat, 4326),
        [LonLat(a, b).to_ewkt() for a, b in zip(lon.tolist(), lat.tolist(), strict=True)],
        strict=True,
    ):
        point = shapely.from_wkb(text)
        assert f"SRID={shapely.get_srid(point)};POINT({point.x!r} {point.y!r})" == expected


def test_id_number_digests_are_the_apps_digests_of_the_checked_numbers(app):
    rng = random.Random(2)
    numbers = [f"{rng.randrange(10**16, 10**17)}" for _ in range(300)]
    key = app.config["ID_NUMBER_HMAC_KEY"]
    assert id_number_digests(numbers, key) == [
        id_number_digest(number + check_character(number), key) for number in numbers
    ]


def test_encrypted_phones_decrypt_with_the_apps_key_each_with_its_own_token(app):
    phones = [f"154{n:08d}" for n in range(1, 301)]
    with app.app_context():
        tokens = encrypt_phones(_fernet(), phones)
        assert [decrypt_phone(token) for token in tokens] == phones
    assert len(set(tokens)) == len(tokens)


def test_iso_times_write_utc_microseconds_and_null_for_none():
    text = iso_times(np.array([0, 1_700_000_000_123_456, -1]), r"\N")
    assert text == ["1970-01-01T00:00:00.000000+00:00", "2023-11-14T22:13:20.123456+00:00", r"\N"]
