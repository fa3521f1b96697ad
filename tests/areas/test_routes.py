"""GET /api/v1/districts: public, the provinces first, then any division's children or names."""


def codes(response) -> list[str]:
    return [district["code"] for district in response.get_json()]


def test_without_a_parent_the_provinces_are_listed_with_no_sign_in(client):
    response = client.get("/api/v1/districts")
    assert response.status_code == 200
    provinces = response.get_json()
    assert len(provinces) == 34
    assert provinces[0] == {"code": "110000", "name": "北京市", "level": 1, "parent_code": None}


def test_a_prefectures_children_are_its_counties(client):
    response = client.get("/api/v1/districts?parent=440300")
    assert "440305" in codes(response)
    assert {d["parent_code"] for d in response.get_json()} == {"440300"}
    assert {d["level"] for d in response.get_json()} == {3}


def test_a_municipalitys_children_are_its_districts(client):
    beijing = client.get("/api/v1/districts?parent=110000")
    assert len(codes(beijing)) == 16 and "110101" in codes(beijing)


def test_q_searches_names_at_every_level_or_among_a_parents_children(client):
    assert "440305" in codes(client.get("/api/v1/districts?q=南山"))
    assert codes(client.get("/api/v1/districts?parent=440000&q=深")) == ["440300"]


def test_a_name_query_treats_wildcards_as_text(client):
    assert codes(client.get("/api/v1/districts?q=%25")) == []


def test_an_unknown_parent_is_a_problem_naming_the_field(client):
    response = client.get("/api/v1/districts?parent=999900", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "unknown_district"
    assert problem["errors"] == {"parent": ["No district has this code."]}


def test_a_malformed_parent_is_a_field_error_in_chinese_by_default(client):
    response = client.get("/api/v1/districts?parent=4403")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"parent": ["行政区划代码应为 6 位数字。"]}
