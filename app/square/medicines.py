"""Which catalog ids a square filter means, from a per-worker copy of the catalog's ids.

Looking them up took two or three queries per filtered page, each a round trip that also opened
a transaction. The catalog changes only when an edition is loaded or an entry is added, and ids
are never reused, so each worker keeps (id, code, symptom group) for SQUARE_CATALOG_SECONDS
(60 by default): a newly added code can answer "unknown" for up to that long. Disabling an entry
does not matter here: the square filters by any edition's ids, enabled or not.
"""

import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.catalog.models import Medicine
from app.extensions import db


@dataclass(frozen=True)
class _Snapshot:
    rows: tuple[tuple[int, str, str], ...]
    taken_at: float


_snapshot: _Snapshot | None = None


def catalog_entries() -> tuple[tuple[int, str, str], ...]:
    """(id, code, symptom group) of every catalog entry of every edition, in id order."""
    global _snapshot
    now = time.monotonic()
    max_age = current_app.config["SQUARE_CATALOG_SECONDS"]
    if _snapshot is None or now - _snapshot.taken_at >= max_age:
        query = select(Medicine.id, Medicine.code, Medicine.symptom_group).order_by(Medicine.id)
        rows = tuple(tuple(row) for row in db.session.execute(query))
        _snapshot = _Snapshot(rows, now)
    return _snapshot.rows
