"""A small map's districts: the finest outlines in a box, in the reader's coordinate system, and
one division's centre and extent, for a reader who picks a place instead of sharing one."""

import pytest
import shapely
from shapely.geometry import box, shape

from geo.coordinates import to_wgs84
from geo.districts import district
from geo.points import LonLat

OUTLINES = "/api/v1/districts/outlines"
# Around Shenzhen's Nanshan and Futian districts.
SHENZHEN_BOX = (113.90, 22.50, 113.98, 22.56)


def outlines(client, bbox=SHENZHEN_BOX, **query):
    return client.get(OUTLINES, query_string={"bbox": ",".join(map(str, bbox)), **query})


def by_code(response) -> dict:
    return {feature["id"]: feature for feature in response.json["features"]}


def test_a_box_gets_the_geojson_outlines_of_the_counties_it_meets(client):
    answer = outlines(client)
    assert answer.status_code == 200
    assert answer.json["type"] == "FeatureCollection"
    found = by_code(answer)
    assert {"440305", "440306"} <= set(found)
    nanshan = found["440305"]
    assert nanshan["type"] == "Feature"
    assert nanshan["properties"] == {"code": "440305", "name": "南山区", "level": 3}
    assert nanshan["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # Neither the city nor the province: only the finest divisions are drawn.
    assert not {"440300", "440000"} & set(found)


def test_outlines_are_cut_to_about_the_box_and_simplified(client):
    outline = shape(by_code(outlines(client))["440305"]["geometry"])
    assert box(*SHENZHEN_BOX).buffer(0.01).contains(outline)
    whole = district("440305").boundary
    assert shapely.get_num_coordinates(outline) < shapely.get_num_coordinates(whole)


def test_a_prefecture_without_counties_is_drawn_itself(client):
    found = by_code(outlines(client, (113.70, 22.95, 113.80, 23.05)))
    assert "441900" in found  # 东莞市


def test_gcj02_outlines_are_moved_as_the_squares_gcj02_points_are(client):
    wgs84 = shape(by_code(outlines(client))["440305"]["geometry"])
    gcj02 = shape(by_code(outlines(client, coordinate_system="gcj02"))["440305"]["geometry"])
    a_vertex = shapely.get_coordinates(gcj02)[0]
    back = to_wgs84(LonLat(*a_vertex), "gcj02")
    assert wgs84.buffer(0.001).contains(shapely.Point(back.lon, back.lat))
    assert not wgs84.equals_exact(gcj02, 0.001)


@pytest.mark.parametrize(
    "bbox",
    [(113.0, 22.0, 114.5, 22.5), (100, 20, 110, 30), "1,2,3", "113.98,22.5,113.9,22.56"],
)
def test_only_a_small_well_formed_box_is_drawn(client, bbox):
    value = bbox if isinstance(bbox, str) else ",".join(map(str, bbox))
    answer = client.get(OUTLINES, query_string={"bbox": value})
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"bbox"}


def test_a_box_at_sea_has_no_outlines(client):
    assert outlines(client, (124.0, 25.0, 124.1, 25.1)).json["features"] == []


def test_a_district_has_a_centre_inside_it_and_its_extent(client):
    answer = client.get("/api/v1/districts/440305")
    assert answer.status_code == 200
    place = answer.json
    assert (place["name"], place["level"], place["parent_code"]) == ("南山区", 3, "440300")
    centre = shapely.Point(place["centre"]["lng"], place["centre"]["lat"])
    assert district("440305").boundary.contains(centre)
    assert box(*place["bbox"]).contains(district("440305").boundary)


def test_a_districts_centre_comes_in_the_readers_coordinate_system(client):
    wgs84 = client.get("/api/v1/districts/440305").json["centre"]
    gcj02 = client.get("/api/v1/districts/440305?coordinate_system=gcj02").json["centre"]
    assert gcj02["coordinate_system"] == "gcj02"
    back = to_wgs84(LonLat(gcj02["lng"], gcj02["lat"]), "gcj02")
    assert back.lon == pytest.approx(wgs84["lng"], abs=1e-6)
    assert back.lat == pytest.approx(wgs84["lat"], abs=1e-6)


@pytest.mark.parametrize("code", ["999999", "4403", "abcdef"])
def test_an_unknown_district_is_not_found(client, code):
    answer = client.get(f"/api/v1/districts/{code}")
    assert (answer.status_code, answer.json["code"]) == (404, "district_not_found")
