"""GET /api/v1/stats and /api/v1/partners/me/stats: every count under 10 is "<10", the rest
rounded to 5; no figure, nor any difference of two, depends on a suppressed count."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.partners import service as partners
from app.partners.models import Partner
from tests.partners.conftest import key_headers
from tests.stats.conftest import AS_OF, CHAOYANG, FUTIAN, HUANGPU, NANSHAN, noon

STATS = "/api/v1/stats"
D1, D2 = AS_OF - timedelta(days=1), AS_OF


def stats(client, **query) -> dict:
    answer = client.get(STATS, query_string=query)
    assert answer.status_code == 200, answer.get_json()
    return answer.json


def test_before_the_first_snapshot_the_answer_is_503(client, db_session):
    answer = client.get(STATS)
    assert answer.status_code == 503
    assert answer.json["code"] == "stats_not_ready"


def test_counts_are_suppressed_under_ten_and_rounded_to_five(client, posts, snapshot):
    posts(13, day=D1, kind="need")
    posts(3, day=D1)
    posts(12, day=D2, kind="need")
    snapshot()
    figures = stats(client, district="440305", **{"from": D1.isoformat(), "to": D2.isoformat()})
    assert figures["days"] == [
        {"date": D1.isoformat(), "need": 15, "offer": "<10"},
        {"date": D2.isoformat(), "need": 10, "offer": "<10"},
    ]
    assert figures["totals"] == {"need": 25, "offer": "<10", "resolved": "<10"}
    assert (figures["suppressed_below"], figures["rounded_to"]) == (10, 5)
    assert figures["district"] == {"code": "440305", "name": "南山区", "level": "district"}


def test_one_persons_post_cannot_be_counted_from_any_figure_or_difference(
    client, sign_in, posts, snapshot, db_session
):
    """Twelve needs in Nanshan on D1; on D2 one person posts one more, in a channel and a city
    of its own, for a medicine nobody else asks for."""
    posts(12, day=D1, kind="need", place=NANSHAN)
    partners.register_partner("lone-channel", {"name": "独家", "contact": "x"})
    lone = db_session.scalar(select(Partner.id).where(Partner.code == "lone-channel"))
    posts(1, day=D2, kind="need", place=NANSHAN, medicines=("aspirin",), partner_id=lone)
    posts(1, day=D2, kind="need", place=CHAOYANG)
    snapshot()

    both_days = stats(client, **{"from": D1.isoformat(), "to": D2.isoformat()})
    first_day = stats(client, **{"from": D1.isoformat(), "to": D1.isoformat()})
    # A count made from the raw rows would say 14 -> 15 against 12 -> 10: the difference would
    # show that D2 had posts. Published sums do not move.
    assert both_days["totals"]["need"] == first_day["totals"]["need"] == 10
    assert both_days["days"][1] == {"date": D2.isoformat(), "need": "<10", "offer": "<10"}
    assert [area["code"] for area in both_days["top_areas"]["need"]] == ["440300"]
    assert [medicine["code"] for medicine in both_days["top_medicines"]["need"]] == ["ibuprofen"]
    assert [channel["channel"] for channel in both_days["channels"]] == ["direct"]
    beijing = stats(client, district="110000")
    assert beijing["totals"]["need"] == "<10" and beijing["top_areas"]["need"] == []
    assert stats(client, channel="lone-channel")["totals"]["need"] == "<10"

    # A post made after the snapshot changes nothing until the next one.
    posts(20, day=D2, kind="need", place=FUTIAN)
    assert stats(client, **{"from": D1.isoformat(), "to": D2.isoformat()}) == both_days


def test_top_lists_rank_cities_districts_and_medicines_from_published_counts(
    client, posts, snapshot
):
    posts(30, place=NANSHAN, kind="need", medicines=("antigen-test",))
    posts(12, place=FUTIAN, kind="need")
    posts(20, place=HUANGPU, kind="need", medicines=("antigen-test", "ibuprofen"))
    posts(9, place=HUANGPU)
    snapshot()
    china = stats(client)
    assert china["top_areas"]["level"] == "city"
    assert [(area["code"], area["posts"]) for area in china["top_areas"]["need"]] == [
        ("440300", 40),
        ("310000", 20),
    ]
    assert china["top_areas"]["offer"] == []
    assert [(m["code"], m["posts"]) for m in china["top_medicines"]["need"]] == [
        ("antigen-test", 50),
        ("ibuprofen", 30),
    ]
    shenzhen = stats(client, district="440300")
    assert shenzhen["top_areas"]["level"] == "district"
    assert [area["code"] for area in shenzhen["top_areas"]["need"]] == ["440305", "440304"]
    # A municipality's parts are its districts.
    assert stats(client, district="310000")["top_areas"]["level"] == "district"


def test_share_resolved_and_median_time_to_resolution(client, posts, snapshot):
    posted = noon(D2)
    for hours in range(1, 11):
        posts(1, day=D2, status="resolved", resolved_at=posted + timedelta(hours=hours))
    posts(10, day=D2)
    snapshot()
    figures = stats(client)
    assert figures["totals"]["resolved"] == 10
    assert figures["resolved_share"] == 0.5
    assert figures["median_hours_to_resolution"] == 5.0


def test_a_median_or_share_of_fewer_than_ten_resolutions_is_not_shown(client, posts, snapshot):
    posts(9, status="resolved")
    posts(30)
    snapshot()
    figures = stats(client)
    assert figures["median_hours_to_resolution"] is None
    assert figures["resolved_share"] is None


def test_a_partner_reads_its_own_channel_with_its_secret_key(client, posts, issue, snapshot):
    secret = issue("secret")
    partner_id = partners.authenticate(secret).partner_id
    posts(11, partner_id=partner_id)
    posts(30)
    snapshot()
    own = client.get("/api/v1/partners/me/stats", headers=key_headers(secret))
    assert own.status_code == 200, own.get_json()
    assert own.json["totals"]["offer"] == 10
    assert "channels" not in own.json
    channels = {channel["channel"]: channel["offer"] for channel in stats(client)["channels"]}
    assert channels == {"direct": 30, "sz-health": 10}
    assert client.get("/api/v1/partners/me/stats").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": D2.isoformat(), "to": D1.isoformat()}, "to"),
        ({"from": (AS_OF - timedelta(days=400)).isoformat()}, "from"),
        ({"to": (AS_OF + timedelta(days=1)).isoformat()}, "to"),
        ({"district": "999999"}, "district"),
        ({"district": "44"}, "district"),
        ({"channel": "nobody"}, "channel"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_bad_queries_are_422_naming_the_field(client, posts, snapshot, query, field):
    posts(1)
    snapshot()
    answer = client.get(STATS, query_string=query)
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.json["errors"]


def test_the_public_figures_are_the_same_in_english_but_for_names(client, posts, snapshot):
    posts(10, medicines=("antigen-test",))
    snapshot()
    chinese = stats(client)
    english = client.get(STATS, headers={"Accept-Language": "en"}).json
    assert chinese["top_medicines"]["offer"][0]["name"] == "新冠抗原检测试剂"
    assert english["top_medicines"]["offer"][0]["name"] != "新冠抗原检测试剂"
    assert chinese["totals"] == english["totals"]
    assert datetime.fromisoformat(chinese["taken_at"]) <= datetime.now(UTC)
