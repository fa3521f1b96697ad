"""How counts leave the service: under 10 as "<10", the rest rounded to 5, sums of published
figures only."""

import pytest

from app.stats.publish import published, published_sums, shown


@pytest.mark.parametrize(
    ("count", "figure"),
    [
        (0, None),
        (1, None),
        (9, None),
        (10, 10),
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (1002, 1000),
    ],
)
def test_counts_under_the_threshold_are_suppressed_and_the_rest_rounded_to_5(count, figure):
    assert published(count, 10, 5) == figure


@pytest.mark.parametrize(("value", "answer"), [(None, "<10"), (0, "<10"), (5, "<10"), (10, 10)])
def test_a_figure_under_the_threshold_shows_as_less_than_ten(value, answer):
    assert shown(value, 10) == answer


def test_a_sum_adds_published_figures_only():
    rows = [(("a",), 12), (("a",), 9), (("a",), 13), (("b",), 9), (("b",), 1)]
    assert published_sums(rows, 10, 5) == {("a",): 25, ("b",): 0}
