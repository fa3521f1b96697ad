"""Load N bench posts, with their verified users, into the bench database (issue 7).

    python -m bench.generate --posts 1000000 [--fresh] [--seed 7]

Rows are planned by bench/plan.py with the app's own code and go in by COPY (psycopg 3). The
square's indexes on posts and post_items are dropped first and rebuilt afterwards from the
definitions PostgreSQL held before (pg_indexes), two at a time on two connections; the run
compares the definitions after with those before and fails if any differs, then ANALYZEs.
The loaded tables' foreign keys go the same way (dropped, added back after the COPY from
pg_get_constraintdef, compared): checked row by row they cost PostgreSQL more than the rows
themselves (eight lookups a post), added back they are one join each.
post_items' copies of their post's fields are written in the COPY with the copying trigger
disabled (a trigger call per item costs more than the whole row), then checked against the
posts in one statement before the trigger is enabled again.

Skips the load when the database already holds exactly N generated posts, unless --fresh.
Reads DATABASE_URL / DATABASE_OWNER_URL like the app (the owner role drops and builds indexes).
"""

import argparse
import json
import multiprocessing
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
from sqlalchemy.engine import make_url
from tqdm import tqdm

from app import create_app
from app.extensions import db
from app.posts.areas import fill_area_codes
from bench.copytext import (
    CONSENT_COLUMNS,
    ITEM_COLUMNS,
    POST_COLUMNS,
    USER_COLUMNS,
    VERIFICATION_COLUMNS,
)
from bench.phases import Phases, backend_cpu_seconds
from bench.plan import PROVIDER, Chunk, Planner

CHUNK_POSTS = 20_000
PLANNERS = 2
PLANNED_AHEAD = 2 * PLANNERS
# Tables the load writes, children first (TRUNCATE for --fresh takes them all at once).
LOADED_TABLES = ("post_items", "posts", "consents", "user_verifications", "users")
# Indexes rebuilt after the load: every index of the two big tables that backs no constraint.
INDEXED_TABLES = ("posts", "post_items")
COPY_TRIGGER = "post_items_copy_post"
BUILD_SETTINGS = ("SET maintenance_work_mem = '512MB'", "SET synchronous_commit = off")


def libpq_url(sqlalchemy_url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg2://...) as libpq takes it."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def generated_posts(connection: psycopg.Connection) -> int:
    """How many posts belong to generated (bench) users."""
    return connection.execute(
        "SELECT count(*) FROM posts p WHERE EXISTS (SELECT 1 FROM user_verifications v"
        " WHERE v.user_id = p.user_id AND v.provider = %s)",
        (PROVIDER,),
    ).fetchone()[0]


def index_definitions(connection: psycopg.Connection) -> dict[str, str]:
    """name -> CREATE INDEX statement of every non-constraint index on the loaded tables."""
    rows = connection.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            ORDER BY i.indexname""",
        (list(INDEXED_TABLES),),
    ).fetchall()
    return dict(rows)


def foreign_keys(connection: psycopg.Connection) -> dict[str, tuple[str, str]]:
    """name -> (table, definition) of every foreign key of the loaded tables."""
    rows = connection.execute(
        """SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conname""",
        (list(LOADED_TABLES),),
    ).fetchall()
    return {name: (table, definition) for name, table, definition in rows}


def load(posts: int, fresh: bool, seed: int, owner_url: str) -> dict:
    """Generate and load; returns what happened, with timings in seconds."""
    started = time.monotonic()
    phases = Phases()
    with psycopg.connect(owner_url, autocommit=True) as connection:
        existing = generated_posts(connection)
        if existing == posts and not fresh:
            return {"posts": posts, "skipped": True, "load_seconds": None}
        with phases.measure("clear", connection):
            _clear(connection)
            before = index_definitions(connection)
            for name in before:
                connection.execute(f'DROP INDEX "{name}"')
            keys = foreign_keys(connection)
            for name, (table, _definition) in keys.items():
                connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        connection.execute(f"ALTER TABLE post_items DISABLE TRIGGER {COPY_TRIGGER}")
        try:
            with phases.measure("plan_and_copy", connection):
                unplaced, copying = _copy_rows(connection, posts, seed)
            with phases.measure("check_item_copies", connection):
                _check_item_copies(connection)
        finally:
            connection.execute(f"ALTER TABLE post_items ENABLE TRIGGER {COPY_TRIGGER}")
        copied = time.monotonic()
        with phases.measure("area_codes_by_database", connection):
            if unplaced:
                # Spots outside every boundary or on an overlap: the app's own lookup decides.
                fill_area_codes(unplaced)
                db.session.commit()
        with phases.measure("indexes", connection) as elsewhere:
            _fix_sequences(connection)
            elsewhere["database"] = _build_indexes(owner_url, before)
            after = index_definitions(connection)
            if after != before:
                raise RuntimeError(f"indexes differ after the load: {before} != {after}")
        with phases.measure("foreign_keys", connection):
            _add_foreign_keys(connection, keys)
        with phases.measure("analyze", connection):
            connection.execute("ANALYZE")
    finished = time.monotonic()
    return {
        "posts": posts,
        "skipped": False,
        "load_seconds": round(finished - started, 1),
        "copy_seconds": round(copied - started, 1),
        # Of which the database was busy taking rows in (the rest: waiting for planners).
        "copy_statement_seconds": round(copying, 1),
        "index_seconds": round(finished - copied, 1),
        "phases": phases.figures,
        "indexes_rebuilt": sorted(before),
        "indexes_identical": True,
        "foreign_keys_rebuilt": sorted(keys),
        "area_codes_from_database": len(unplaced),
    }


def _clear(connection: psycopg.Connection) -> None:
    """Empty the loaded tables (and what points at them) if anything is there.

    Raises:
        RuntimeError: a table that would be emptied refuses it (the moderators' append-only
            audit trail): the bench database must be dropped instead, as FRESH=1 does.
    """
    if not connection.execute(
        "SELECT EXISTS (SELECT FROM users) OR EXISTS (SELECT FROM posts)"
    ).fetchone()[0]:
        return
    try:
        connection.execute(f"TRUNCATE {', '.join(LOADED_TABLES)} CASCADE")
    except psycopg.errors.InsufficientPrivilege as error:
        raise RuntimeError(
            f"cannot empty the bench tables ({error}); drop the database and run again:"
            " make bench FRESH=1 does"
        ) from error


def _copy_rows(connection: psycopg.Connection, posts: int, seed: int) -> tuple[list[int], float]:
    """COPY every chunk in one transaction; returns the posts whose county the database finds.

    Two processes plan chunks while this one feeds COPY, in order: a chunk's users go in
    before its posts, its posts before their items.
    """
    starts = range(1, posts + 1, CHUNK_POSTS)
    jobs = [(seed, first, min(CHUNK_POSTS, posts + 1 - first)) for first in starts]
    unplaced: list[int] = []
    copying = 0.0
    now = datetime.now(UTC)
    with (
        _planners(now) as pool,
        connection.transaction(),
        tqdm(total=posts, unit="post", desc="generating") as bar,
    ):
        for setting in BUILD_SETTINGS:
            connection.execute(setting)
        for chunk in _in_order(pool, jobs):
            copy_started = time.monotonic()
            for table, columns, text in (
                ("users", USER_COLUMNS, chunk.users),
                ("user_verifications", VERIFICATION_COLUMNS, chunk.verifications),
                ("consents", CONSENT_COLUMNS, chunk.consents),
                ("posts", POST_COLUMNS, chunk.posts),
                ("post_items", ITEM_COLUMNS, chunk.items),
            ):
                _copy(connection, table, columns, text)
            unplaced.extend(chunk.unplaced_post_ids)
            bar.update(chunk.post_count)
            copying += time.monotonic() - copy_started
    return unplaced, copying


_planner: Planner | None = None


def _planners(now: datetime):
    """PLANNERS processes sharing one Planner, built here before they fork: building one
    (boundaries, catalog, the app) costs seconds of CPU, and a copy each is free."""
    global _planner
    _planner = Planner(now)
    return multiprocessing.get_context("fork").Pool(PLANNERS)


def _in_order(pool, jobs: list[tuple[int, int, int]]):
    """Planned chunks in job order, with at most PLANNED_AHEAD waiting: planners outrun COPY,
    and Pool.imap would queue every chunk of a 10,000,000-post load in memory."""
    waiting: deque = deque()
    for job in jobs:
        waiting.append(pool.apply_async(_plan, (job,)))
        if len(waiting) > PLANNED_AHEAD:
            yield waiting.popleft().get()
    while waiting:
        yield waiting.popleft().get()


def _plan(job: tuple[int, int, int]) -> Chunk:
    seed, first_id, posts = job
    return _planner.chunk(seed, first_id, posts)


def _copy(connection: psycopg.Connection, table: str, columns: tuple, text: str) -> None:
    with connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(text)


def _check_item_copies(connection: psycopg.Connection) -> None:
    """Every item carries exactly what the trigger would have copied from its post."""
    wrong = connection.execute(
        """SELECT count(*) FROM post_items i JOIN posts p ON p.id = i.post_id
            WHERE (i.kind, i.post_status, i.post_created_at, i.post_expires_at)
                  IS DISTINCT FROM (p.kind, p.status, p.created_at, p.expires_at)
               OR NOT ST_Equals(i.public_position, p.public_position)"""
    ).fetchone()[0]
    if wrong:
        raise RuntimeError(f"{wrong} items differ from their posts")


def _fix_sequences(connection: psycopg.Connection) -> None:
    for table in ("users", "posts"):
        # The load gave ids itself; the app's inserts continue after them.
        connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608 - our names
            f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def _add_foreign_keys(connection: psycopg.Connection, keys: dict[str, tuple[str, str]]) -> None:
    """Each foreign key back as it was, checked over all rows in one join each (one at a time:
    adding a key locks both its tables against the other keys' checks)."""
    for name, (table, definition) in keys.items():
        connection.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    after = foreign_keys(connection)
    if after != keys:
        raise RuntimeError(f"foreign keys differ after the load: {keys} != {after}")


def _build_indexes(owner_url: str, definitions: dict[str, str]) -> float:
    """CREATE each index as PostgreSQL defined it, two builds at a time (two cores); returns
    the CPU seconds the building backends spent (0 where the database is not local)."""

    def build(statement: str) -> float:
        with psycopg.connect(owner_url, autocommit=True) as connection:
            for setting in BUILD_SETTINGS:
                connection.execute(setting)
            before = backend_cpu_seconds(connection)
            connection.execute(statement)
            after = backend_cpu_seconds(connection)
            return 0.0 if before is None or after is None else after - before

    # Largest first, so the two connections finish together.
    ordered = sorted(definitions.values(), key=lambda s: ("gist" not in s, "post_items" not in s))
    with ThreadPoolExecutor(max_workers=2) as pool:
        return sum(
            tqdm(pool.map(build, ordered), total=len(ordered), unit="index", desc="indexing")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true", help="regenerate even if already loaded")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the outcome to this file")
    args = parser.parse_args(argv)
    app = create_app()
    with app.app_context():
        outcome = load(
            args.posts, args.fresh, args.seed, libpq_url(app.config["DATABASE_OWNER_URL"])
        )
    print(json.dumps(outcome))  # noqa: T201 - the command's output
    # A skipped load keeps the file of the load that made the data, with its timings.
    if args.json and not outcome["skipped"]:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(outcome, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
