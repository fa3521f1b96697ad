"""Divisions in the database: loading them, finding the one at a point, and the area to narrow
posts to."""

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, box
from sqlalchemy import delete, func, select, update

from app.areas.models import District
from app.areas.service import (
    CODE_MALFORMED,
    CODE_UNKNOWN,
    UnknownDistrict,
    district_area,
    district_code_at,
    load_districts,
)
from geo.points import LonLat

# Checked against each place's own description of where it lies, well inside its district.
KNOWN_PLACES = {
    "Tiananmen, Beijing": (LonLat(116.3975, 39.9087), "110101"),  # 东城区
    "Lujiazui, Shanghai": (LonLat(121.5055, 31.2397), "310115"),  # 浦东新区
    "Futian, Shenzhen": (LonLat(114.0553, 22.5217), "440304"),  # 福田区
    "Wuhou Shrine, Chengdu": (LonLat(104.0477, 30.6467), "510107"),  # 武侯区
    "Yellow Crane Tower, Wuhan": (LonLat(114.3020, 30.5446), "420106"),  # 武昌区
    "Canton Tower, Guangzhou": (LonLat(113.3245, 23.1064), "440105"),  # 海珠区
    # Finer than the data allows: a prefecture with no counties, a county under its province.
    "Dongguan": (LonLat(113.7518, 23.0205), "441900"),
    "Xiantao": (LonLat(113.4540, 30.3620), "429004"),
    # Coastal land and a small island the coarse source boundaries leave just outside.
    "Shekou, Shenzhen": (LonLat(113.9160, 22.4820), "440305"),  # 南山区
    "Gulangyu, Xiamen": (LonLat(118.0670, 24.4470), "350203"),  # 思明区
    # Areas of the table with no finer GB/T 2260 codes.
    "Central, Hong Kong": (LonLat(114.1588, 22.2816), "810000"),
    "Macao": (LonLat(113.5439, 22.1987), "820000"),
}


@pytest.mark.parametrize(("point", "code"), KNOWN_PLACES.values(), ids=list(KNOWN_PLACES))
def test_a_point_gets_the_finest_division_around_it(db_session, point, code):
    assert district_code_at(point) == code


@pytest.mark.parametrize(
    "point",
    [LonLat(126.9780, 37.5665), LonLat(115.0, 20.0), LonLat(123.0, 35.0), LonLat(-0.1276, 51.5)],
    ids=["Seoul", "South China Sea", "Yellow Sea", "London"],
)
def test_a_point_abroad_or_out_at_sea_has_no_division(db_session, point):
    assert district_code_at(point) is None


def test_district_area_gives_the_prefix_and_an_envelope_sql_can_use(db_session):
    area = district_area("440300")
    assert (area.code, area.prefix, area.level, area.name_zh) == ("440300", "4403", 2, "深圳市")
    futian, tiananmen = (
        KNOWN_PLACES[name][0] for name in ("Futian, Shenzhen", "Tiananmen, Beijing")
    )
    covers = [
        db_session.scalar(select(func.ST_Covers(area.envelope, func.ST_GeomFromEWKT(p.to_ewkt()))))
        for p in (futian, tiananmen)
    ]
    assert covers == [True, False]


@pytest.mark.parametrize(
    ("code", "message"),
    [("4403", CODE_MALFORMED), ("44030a", CODE_MALFORMED), ("110100", CODE_UNKNOWN)],
)
def test_district_area_refuses_a_code_naming_the_district_field(db_session, code, message):
    with pytest.raises(UnknownDistrict) as refused:
        district_area(code)
    assert refused.value.errors == {"district": [message]}


def test_loading_again_writes_nothing(db_session):
    report = load_districts()
    assert (report.added, report.updated, report.removed) == (0, 0, 0)


def test_loading_repairs_changed_missing_and_unknown_rows(db_session):
    db_session.execute(update(District).where(District.code == "440305").values(name_zh="改"))
    db_session.execute(delete(District).where(District.code == "110101"))
    stray = from_shape(MultiPolygon([box(0, 0, 1, 1)]), srid=4326)
    db_session.add(District(code="990000", level=1, name_zh="无", boundary=stray))
    db_session.commit()

    report = load_districts()

    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    names = dict(db_session.execute(select(District.code, District.name_zh)).all())
    assert names["440305"] == "南山区" and names["110101"] == "东城区" and "990000" not in names


def test_the_load_districts_command_says_what_it_changed(app, db_session):
    db_session.execute(update(District).where(District.code == "440305").values(name_zh="改"))
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["medshare", "load-districts"])
    assert result.exit_code == 0, result.output
    # No post stores the changed name here; posts that do are renamed (tests/posts).
    assert (
        result.output == "districts: 0 added, 1 refreshed, 0 removed\nposts: 0 area names changed\n"
    )
