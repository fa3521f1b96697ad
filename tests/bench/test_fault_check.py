"""make fault's conclusions (bench/fault_check.py): recovery, counts and the posts check."""

from email.message import Message

from bench.fault_check import Outage, Sample, posts_check, recovery_seconds, statuses
from bench.fault_load import PROBLEM, well_formed

OUTAGE = Outage("PostgreSQL stopped", down_at=10.0, back_at=20.0, until=40.0)


def samples(kind: str, *timeline: tuple[float, int | None]) -> list[Sample]:
    return [Sample(at, kind, status, 0.01) for at, status in timeline]


def test_recovery_counts_from_the_outage_end_to_the_first_success_that_lasts():
    probe = samples("square", (19.0, 503), (20.2, 503), (21.0, 200), (21.5, 503), (22.4, 200),
                    (30.0, 200))  # fmt: skip
    assert recovery_seconds(probe, "square", OUTAGE) == 2.4


def test_recovery_is_the_first_request_after_the_end_when_none_fails():
    probe = samples("square", (15.0, 503), (20.3, 200), (25.0, 200))
    assert recovery_seconds(probe, "square", OUTAGE) == 0.3


def test_no_recovery_when_the_last_request_of_the_window_failed_or_none_was_sent():
    probe = samples("square", (21.0, 200), (39.0, None), (41.0, 200))
    assert recovery_seconds(probe, "square", OUTAGE) is None
    assert recovery_seconds(probe, "readyz", OUTAGE) is None


def test_statuses_count_one_kind_within_the_window_with_no_answer_apart():
    probe = samples("create", (9.0, 201), (10.0, 503), (12.0, None), (19.9, 503), (20.0, 201))
    probe += samples("square", (11.0, 503))
    assert statuses(probe, "create", 10.0, 20.0) == {"503": 2, "none": 1}


def test_every_201_matching_its_one_post_passes():
    result = posts_check({"a": {1}, "b": {2}}, {"a": 1, "b": 2}, posts=2)
    assert result["ok"] and result["lost"] == result["doubled"] == 0


def test_a_201_whose_post_is_missing_or_another_is_lost():
    result = posts_check({"a": {1}, "b": {2}}, {"a": 1, "b": 3}, posts=2)
    assert (result["ok"], result["lost"], result["examples"]) == (False, 1, ["b"])
    assert not posts_check({"a": {1}}, {}, posts=0)["ok"]


def test_a_key_answered_with_two_posts_is_doubled():
    result = posts_check({"a": {1, 2}}, {"a": 1}, posts=2)
    assert (result["ok"], result["doubled"]) == (False, 1)


def test_a_post_without_its_key_or_made_but_never_answered_fails():
    assert posts_check({"a": {1}}, {"a": 1}, posts=2)["posts_without_one_key"] == 1
    unanswered = posts_check({"a": {1}}, {"a": 1, "b": 2}, posts=2)
    assert (unanswered["ok"], unanswered["unanswered"]) == (False, 1)


def headers(**fields) -> Message:
    message = Message()
    for name, value in fields.items():
        message[name.replace("_", "-")] = value
    return message


def test_a_503_counts_as_well_formed_only_as_a_problem_with_retry_after_in_any_case():
    problem = {"content_type": "application/problem+json"}
    assert well_formed(503, headers(**problem, retry_after="2"))
    # Granian sends header names in lower case.
    assert well_formed(503, headers(**{"content-type": PROBLEM, "retry-after": "2"}))
    assert not well_formed(503, headers(**problem))
    assert not well_formed(503, headers(content_type="text/html", retry_after="2"))
    assert well_formed(503, headers(**problem), retry_after=False)
    assert well_formed(200, headers())
