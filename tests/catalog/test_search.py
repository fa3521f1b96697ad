"""Finding a medicine by what people type: Chinese, English, pinyin or pinyin initials."""

import pytest

from app.catalog.service import load_edition

MEDICINES = "/api/v1/medicines"
# Three names sharing 布洛芬, listed so that catalog order is the reverse of the best match.
IBUPROFEN_FAMILY = """
edition: {code: test-ibuprofen-family, title_zh: 测试, title_en: Test, published_on: 2023-01-01}
medicines:
  - {code: compound-ibuprofen, name_zh: 复方布洛芬, name_en: Compound ibuprofen,
     pinyin: fu fang bu luo fen, group: fever, category: chemical, otc_class: otc_a,
     enabled: true, forms: [tablet], units: {tablet: 20}}
  - {code: ibuprofen-sr, name_zh: 布洛芬缓释胶囊, name_en: Ibuprofen sustained-release capsules,
     pinyin: bu luo fen huan shi jiao nang, group: fever, category: chemical, otc_class: otc_a,
     enabled: true, forms: [capsule], units: {capsule: 20}}
  - {code: ibuprofen, name_zh: 布洛芬, name_en: Ibuprofen, pinyin: bu luo fen, group: fever,
     category: chemical, otc_class: otc_a, enabled: true, forms: [tablet], units: {tablet: 20}}
"""


def found(client, q, **params):
    answer = client.get(MEDICINES, query_string={"q": q, **params})
    assert answer.status_code == 200, answer.get_json()
    return [entry["code"] for entry in answer.get_json()]


@pytest.mark.parametrize(
    "q",
    [
        "布洛",
        "布洛芬",
        "ibu",
        "IBU",
        "Ibuprofen",
        "profen",
        "buluofen",
        "bu luo fen",
        "bu luo",
        "buluo",
        "luofen",
        "BuLuoFen",
        "blf",
        "bl",
        "BLF",
        "  blf  ",
    ],
)
def test_ibuprofen_is_found_by_every_way_of_typing_it(client, catalog, q):
    assert found(client, q)[0] == "ibuprofen"


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("对乙酰", "acetaminophen"),
        ("dyxajf", "acetaminophen"),
        ("xin guan", "antigen-test"),
        ("antigen", "antigen-test"),
        ("xgky", "antigen-test"),
        ("藿香正气", "huoxiang-zhengqi"),
        ("huoxiangzhengqi", "huoxiang-zhengqi"),
        ("hxzq", "huoxiang-zhengqi"),
        ("lvlei", "loratadine"),
    ],
)
def test_names_are_found_by_their_main_part_too(client, catalog, q, code):
    assert code in found(client, q)


@pytest.mark.parametrize(
    "q",
    [
        "xyz",
        "阿莫西林",
        "%",
        "_",
        "bu_luo",
        "bu%fen",
    ],
)
def test_a_search_that_matches_nothing_answers_an_empty_list(client, catalog, q):
    assert found(client, q) == []


def test_a_blank_search_lists_everything_postable(client, catalog):
    everything = found(client, "")
    assert everything == found(client, "   ")
    assert "ibuprofen" in everything and len(everything) == len(client.get(MEDICINES).get_json())


def test_search_finds_only_postable_entries_unless_asked(client, catalog):
    assert found(client, "ymsf") == []
    assert found(client, "ymsf", include_unpostable="true") == ["dextromethorphan"]
    assert found(client, "lhqw") == []
    assert found(client, "lhqw", include_unpostable="true") == ["lianhua-qingwen"]


def test_exact_matches_come_first_then_prefixes_then_the_rest(client, catalog, tmp_path):
    edition = tmp_path / "edition.yaml"
    edition.write_text(IBUPROFEN_FAMILY, encoding="utf-8")
    load_edition(str(edition))
    assert found(client, "布洛芬") == ["ibuprofen", "ibuprofen-sr", "compound-ibuprofen"]
    assert found(client, "bu luo fen") == ["ibuprofen", "ibuprofen-sr", "compound-ibuprofen"]
    assert found(client, "ibuprofen") == ["ibuprofen", "ibuprofen-sr", "compound-ibuprofen"]
    # 复方布洛芬 ("ffblf") holds blf inside its initials: found, after those that start so.
    assert found(client, "blf") == ["ibuprofen", "ibuprofen-sr", "compound-ibuprofen"]
    assert found(client, "fen") == ["compound-ibuprofen", "ibuprofen-sr", "ibuprofen"]


def test_matches_of_the_same_rank_keep_catalog_order(client, catalog):
    starting_with_a = ["acetaminophen", "aspirin", "ambroxol", "acetylcysteine"]
    with_an_a_inside = ["dequalinium", "qingyan-diwan", "carbocisteine", "guaifenesin"]
    assert found(client, "a")[:8] == starting_with_a + with_an_a_inside
    assert found(client, "lv") == ["chlorphenamine", "loratadine", "dequalinium"]


def test_a_search_of_50_characters_is_answered(client, catalog):
    assert found(client, "b" * 50) == []


def test_a_search_over_50_characters_is_a_422_naming_q(client, catalog):
    answer = client.get(MEDICINES, query_string={"q": "b" * 51})
    assert answer.status_code == 422
    problem = answer.get_json()
    assert problem["code"] == "validation_failed"
    assert list(problem["errors"]) == ["q"]
    assert problem["errors"]["q"] == ["长度不能超过 50。"]
    english = client.get(MEDICINES, query_string={"q": "b" * 51}, headers={"Accept-Language": "en"})
    assert english.get_json()["errors"]["q"] == ["Longer than maximum length 50."]


def test_the_openapi_document_describes_q_and_the_new_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/api/v1/medicines"]["get"]["parameters"]
    q = next(parameter for parameter in parameters if parameter["name"] == "q")
    assert q["in"] == "query" and q["schema"]["type"] == "string"
    assert q["schema"]["maxLength"] == 50
    medicine = document["components"]["schemas"]["Medicine"]["properties"]
    assert medicine["pinyin"]["type"] == "string"
    assert medicine["forms"]["items"] == {"$ref": "#/components/schemas/Form"}


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("ky", "antigen-test"),  # 新冠抗原检测试剂: initials xgkyjcsj
        ("kyjc", "antigen-test"),
        ("ＢＬＦ", "ibuprofen"),  # full-width letters from a Chinese keyboard
        ("bùluòfēn", "ibuprofen"),  # tone marks
        ("lǜ", "chlorphenamine"),  # 氯: ü as pinyin input writes it, v
    ],
)
def test_search_takes_what_chinese_keyboards_type(client, catalog, q, code):
    assert code in found(client, q)
