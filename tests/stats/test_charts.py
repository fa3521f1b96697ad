"""The charts' layout: bars scaled to a round top, a stub for "<10", long names cut."""

from app.stats.charts import DAILY_HEIGHT, MARGIN_BOTTOM, STUB_HEIGHT, daily_chart, ranked_chart


def test_daily_bars_scale_to_a_round_top_and_a_suppressed_day_is_a_stub():
    chart = daily_chart(
        [
            {"date": "2026-11-22", "need": 40, "offer": "<10"},
            {"date": "2026-11-23", "need": 20, "offer": 10},
        ]
    )
    need, offer, later_need, later_offer = chart.bars
    assert [tick.text for tick in chart.grid] == ["0", "10", "20", "30", "40", "50"]
    assert need.height == 2 * later_need.height == 4 * later_offer.height
    assert offer.suppressed and offer.height == STUB_HEIGHT and offer.shown == "<10"
    assert all(bar.y + bar.height == DAILY_HEIGHT - MARGIN_BOTTOM for bar in chart.bars)
    assert [tick.text for tick in chart.dates] == ["11-22", "11-23"]


def test_ranked_bars_keep_their_order_and_cut_long_names():
    chart = ranked_chart(
        [
            {"code": "a", "name": "Lianhua Qingwen granules or capsules", "posts": 100},
            {"code": "b", "name": None, "posts": 50},
        ]
    )
    first, second = chart.rows
    assert first.width == 2 * second.width
    assert first.label.endswith("…") and len(first.label) == 28
    assert second.label == "b"
