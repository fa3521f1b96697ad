"""What `make fault` concludes from what its clients saw and what the database holds.

Pure functions over the records of bench/fault_load.py, so the counting is tested apart
(tests/bench/test_fault_check.py) from the run that needs a cluster to stop.
"""

from collections import Counter
from dataclasses import dataclass

# A status of None: no answer (connection refused or reset, or the client's timeout).
NO_ANSWER = None


@dataclass(frozen=True)
class Sample:
    """One probe's request: when it was sent (seconds into the run), what it was, the answer."""

    at: float
    kind: str
    status: int | None
    seconds: float
    # For a 503: whether it was problem+json with a Retry-After.
    well_formed: bool = True


@dataclass(frozen=True)
class Outage:
    name: str
    down_at: float
    back_at: float
    # Until when its effects are counted: the next outage's start, or the end of the run.
    until: float


def served(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


def statuses(samples: list[Sample], kind: str, start: float, end: float) -> dict[str, int]:
    """How many samples of this kind sent in [start, end) got each status ("none": no answer)."""
    counted = Counter(
        "none" if sample.status is NO_ANSWER else str(sample.status)
        for sample in samples
        if sample.kind == kind and start <= sample.at < end
    )
    return dict(sorted(counted.items()))


def recovery_seconds(samples: list[Sample], kind: str, outage: Outage) -> float | None:
    """Seconds from the outage's end until this kind of request was served again for good:
    until the first request sent after it that succeeded, and after which every later one up
    to outage.until did too.

    Returns:
        None if it was not served again for good within the window.
    """
    after = sorted(
        (
            sample
            for sample in samples
            if sample.kind == kind and outage.back_at <= sample.at < outage.until
        ),
        key=lambda sample: sample.at,
    )
    failures = [index for index, sample in enumerate(after) if not served(sample.status)]
    first_good = failures[-1] + 1 if failures else 0
    if first_good >= len(after):
        return None
    return round(after[first_good].at - outage.back_at, 2)


def posts_check(answered: dict[str, set[int]], rows: dict[str, int], posts: int) -> dict:
    """Whether every post answered 201 is in the database exactly once.

    Args:
        answered: each Idempotency-Key answered 201 -> the post ids its 201s named (a replay
            names the first answer's).
        rows: the idempotency_keys rows of the run's posters, key -> post id.
        posts: how many posts the run's posters have.

    Returns:
        the counts, and ok: no 201 lost, none doubled, and nothing made that was not answered.
    """
    lost = sorted(key for key, ids in answered.items() if rows.get(key) not in ids)
    doubled = sorted(key for key, ids in answered.items() if len(ids) > 1)
    unanswered = sorted(rows.keys() - answered.keys())
    distinct_posts = len(set(rows.values()))
    result = {
        "answered_201": len(answered),
        "keys_in_database": len(rows),
        "posts_in_database": posts,
        "lost": len(lost),
        "doubled": len(doubled),
        # Made, but the client never had its 201 (it gave up on the key): none expected, as
        # the client keeps sending each key until it is answered.
        "unanswered": len(unanswered),
        # A post without a key, or a key sharing its post: a create that happened twice.
        "posts_without_one_key": posts - distinct_posts + (len(rows) - distinct_posts),
        "examples": (lost + doubled + unanswered)[:5],
    }
    result["ok"] = (
        not lost and not doubled and not unanswered and result["posts_without_one_key"] == 0
    )
    return result
