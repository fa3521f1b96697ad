"""The district data file: complete, valid, consistent levels, and code prefixes for filtering."""

import pytest
import shapely

from geo.districts import (
    COUNTY,
    PREFECTURE,
    PROVINCE,
    MalformedCode,
    all_districts,
    code_prefix,
    district,
)


def test_every_boundary_is_a_valid_multipolygon():
    boundaries = [d.boundary for d in all_districts()]
    assert set(shapely.get_type_id(boundaries)) == {6}  # MultiPolygon
    invalid = [d.code for d in all_districts() if not d.boundary.is_valid or d.boundary.is_empty]
    assert invalid == []


def test_the_data_has_every_province_prefecture_and_county_of_2023():
    by_level = {level: 0 for level in (PROVINCE, PREFECTURE, COUNTY)}
    for d in all_districts():
        by_level[d.level] += 1
    # 34 provincial divisions; MCA's counts for the end of 2023: 333 prefectural, 2,844 county.
    assert by_level == {PROVINCE: 34, PREFECTURE: 333, COUNTY: 2844}
    assert len({d.code for d in all_districts()}) == len(all_districts())


def test_each_parent_is_one_level_up_and_holds_its_child():
    for d in all_districts():
        if d.level == PROVINCE:
            assert d.parent_code is None
            continue
        parent = district(d.parent_code)
        assert parent.level < d.level and parent.code[:2] == d.code[:2]
        assert parent.boundary.covers(d.boundary.representative_point()), d.code


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("110101", "东城区", "110000"),  # a municipality's district hangs from the province
        ("440305", "南山区", "440300"),
        ("429004", "仙桃市", "420000"),  # a county-level city directly under its province
        ("441900", "东莞市", "440000"),  # a prefecture with no counties
        ("460302", "西沙区", "460300"),  # re-coded: the source still has 460321
        ("540481", "米林市", "540400"),  # re-coded: the source still has 540422
    ],
)
def test_known_divisions_have_their_names_and_parents(code, name, parent):
    found = district(code)
    assert (found.name_zh, found.parent_code) == (name, parent)


@pytest.mark.parametrize("code", ["110100", "710001", "629700", "540422", "999999"])
def test_codes_outside_gb2260_or_without_a_row_are_unknown(code):
    assert district(code) is None


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("440000", "44"),
        ("440300", "4403"),
        ("440305", "440305"),
        ("110000", "11"),
        ("110100", "1101"),
        ("500200", "5002"),
        ("429004", "429004"),
    ],
)
def test_code_prefix_is_what_every_code_inside_starts_with(code, prefix):
    assert code_prefix(code) == prefix


def test_every_county_code_starts_with_its_ancestors_prefixes():
    for d in all_districts():
        if d.parent_code:
            assert d.code.startswith(code_prefix(d.parent_code))


@pytest.mark.parametrize("code", ["44030", "4403000", "44030x", "", "４４０３００"])
def test_code_prefix_refuses_what_is_not_six_digits(code):
    with pytest.raises(MalformedCode):
        code_prefix(code)
