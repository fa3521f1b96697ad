"""How a count leaves the service: suppressed below the threshold, rounded to a step, and only
ever added up from figures already published.

Every figure is a cut's count from the snapshot (an area x day, say), published on its own; a
total over days, areas or channels is the sum of published figures, and a top list ranks only
published ones. A count that was suppressed therefore adds nothing to any figure anywhere, so
no two figures, however their ranges overlap, can be subtracted to reveal it.
"""

from collections import defaultdict
from collections.abc import Iterable


def published(count: int, below: int, step: int) -> int | None:
    """The count as the service may show it: None when under `below`, else rounded to the
    nearest multiple of `step` (halves up)."""
    if count < below:
        return None
    return step * ((count + step // 2) // step)


def shown(value: int | None, below: int) -> int | str:
    """A published figure (or a sum of them) as an answer shows it: "<10" when under `below`,
    which then says nothing of whether there was anything at all."""
    if value is None or value < below:
        return f"<{below}"
    return value


def published_sums(rows: Iterable[tuple], below: int, step: int) -> dict[tuple, int]:
    """Sums of published counts by key, from (key, count) rows of one cut each: a key whose
    counts were all suppressed sums to 0."""
    sums: dict[tuple, int] = defaultdict(int)
    for key, count in rows:
        sums[key] += published(count, below, step) or 0
    return dict(sums)
