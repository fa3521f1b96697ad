"""The cities file names every city of mainland China once, at a seat inside the mainland."""

from app.me.documents import region_codes
from geo.cities import busiest_cities, cities
from geo.coordinates import in_mainland_china

# GB/T 2260 province prefixes of the mainland's 31 provincial divisions.
MAINLAND_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
}  # fmt: skip


def test_the_busiest_cities_of_december_2022_come_first_in_their_order():
    names = [city.name_zh for city in busiest_cities()]
    assert names == ["深圳市", "杭州市", "上海市", "广州市", "东莞市", "北京市"]
    weights = [city.weight for city in cities()]
    assert weights == sorted(weights, reverse=True)


def test_every_city_has_a_known_code_once_and_a_seat_in_the_mainland():
    codes = [city.area_code for city in cities()]
    assert len(codes) == len(set(codes))
    assert set(codes) <= region_codes()
    assert {code[:2] for code in codes} == MAINLAND_PROVINCES
    for city in cities():
        assert in_mainland_china(city.center), city.name_zh
        assert city.weight > 0 and city.spread_km > 0


def test_prefecture_and_county_level_cities_are_all_there():
    names = {city.name_zh for city in cities()}
    # A municipality, a capital, a prefecture, an autonomous prefecture, a county-level city
    # made after the seat data, a Xinjiang Corps city, and a far district of a municipality.
    assert {"重庆市", "拉萨市", "阳江市", "甘南藏族自治州", "滦州市", "北屯市", "万州区"} <= names
    assert len(names) > 700
