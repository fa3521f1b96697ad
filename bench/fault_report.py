"""The rules a `make fault` run must keep, its figures, docs/RELIABILITY.md and
bench/fault_results.json."""

import json
import os
from collections import Counter
from dataclasses import asdict

from bench.fault_check import recovery_seconds, statuses
from bench.fault_load import REQUEST_TIMEOUT_SECONDS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "RELIABILITY.md")
RESULTS = os.path.join(ROOT, "bench", "fault_results.json")
# Issue 18: serving again by itself within this long after the database is back.
RECOVERY_SECONDS = 5
KINDS = ("square", "readyz", "create")

METHOD = """# Reliability: faults under load (issue 18)

`make fault` (bench/fault.py; not part of `make test`) serves MedShare as `make run` does
(Granian, 2 workers) on a PostgreSQL cluster and a Redis of its own (cluster `fault` on port
5439, made by migrations/provision/postgres.sh; a redis-server on port 6390), so the shared
ones are never touched. Under the bench's mixed load (wrk reading the square and post details
and revealing contacts, bench/run.py) and creators that post with an `Idempotency-Key` of
their own per post (bench/fault_load.py, sending the same request with the same key again
after a 503, a 409 or no answer), it restarts PostgreSQL, then stops it for 10 s, then stops
Redis for 10 s. A probe asks `/readyz` and a square page every 0.2 s.

The run passes when: no request answers a 5xx other than 503; every 503 is problem+json with
`Retry-After` (`/readyz` names the failed check instead); no request waits
{timeout} s or more (wrk's own timeout is 10 s); `/readyz` fails while PostgreSQL is stopped;
the square, `/readyz` and creates are served again within {recovery} s of the database being
back, for good; with Redis stopped the square goes on and creates answer 503; and afterwards
every key answered 201 names the one post the database holds for it, no post lacks its key
and no post was made whose 201 the creator never got (bench/fault_check.py).

## What the first runs found, and what changed

- Under 6 wrk connections, new connections waited 12 s and more: Granian's `--backpressure`
  counts connections, kept-alive ones included, and was set to the 4 threads. It is now
  `GRANIAN_BACKPRESSURE` (64) in the Makefile.
- A request on a connection the restart dropped answered 500. psycopg2's `OperationalError`
  and `InterfaceError` now answer 503 `database_unavailable` with `Retry-After`
  (`DATABASE_RETRY_AFTER_SECONDS`, 2; app/errors.py); the square's autocommit read no longer
  raises over the read's own error (app/sql_cache.py).
- An answer made just before the restart became a 500 when closing the session failed on
  the dropped connection; that failure is now logged and the answer sent (app/db_pool.py).
- Writes came back 4.96 s after Redis did: each worker tried Redis again only every
  `RATE_LIMIT_STORE_RETRY_SECONDS`, then 5 s, now 2 s.

Nothing else was needed for recovery: SQLAlchemy invalidates the whole pool on the first
disconnect, so every later request connects afresh, and the connect timeout (5 s) bounds a
request while the database is down.

The last run's figures follow; `make fault` rewrites them.
"""


def write(results: dict, creators, probe) -> dict:
    """Judge the run, write the document and the JSON; returns {"ok", "lines"}."""
    samples = creators.samples + probe.samples
    outages = [outage_figures(outage, samples) for outage in results["outages"]]
    totals = total_figures(results["wrk"], creators, probe)
    broken = broken_rules(totals, outages, results["posts"], creators)
    results = {
        **results,
        "outages": outages,
        "totals": totals,
        "broken_rules": broken,
        "ok": not broken,
    }
    with open(RESULTS, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, default=sorted)
    lines = summary_lines(totals, outages, results["posts"], broken)
    with open(DOC, "w", encoding="utf-8") as handle:
        handle.write(
            METHOD.format(timeout=REQUEST_TIMEOUT_SECONDS, recovery=RECOVERY_SECONDS)
            + document(results, outages, totals)
        )
    return {"ok": not broken, "lines": lines}


def outage_figures(outage, samples) -> dict:
    return {
        **asdict(outage),
        "during": {kind: statuses(samples, kind, outage.down_at, outage.back_at) for kind in KINDS},
        "recovery_seconds": {kind: recovery_seconds(samples, kind, outage) for kind in KINDS},
    }


def total_figures(wrk_results: dict, creators, probe) -> dict:
    counted: Counter = Counter()
    for result in wrk_results.values():
        counted.update({str(status): n for status, n in result["statuses"].items()})
    for sample in creators.samples + probe.samples:
        counted["none" if sample.status is None else str(sample.status)] += 1
    samples = creators.samples + probe.samples
    return {
        "requests": sum(counted.values()),
        "statuses": dict(sorted(counted.items())),
        "created_201": counted["201"],
        "answered_503": counted["503"],
        "answered_500": sum(n for status, n in counted.items() if status[0] == "5")
        - counted["503"],
        "malformed_503": sum(1 for sample in samples if not sample.well_formed),
        "malformed_examples": [asdict(sample) for sample in samples if not sample.well_formed][:5],
        "slowest_examples": [
            asdict(sample) for sample in sorted(samples, key=lambda sample: -sample.seconds)[:5]
        ],
        "slowest_seconds": round(max((sample.seconds for sample in samples), default=0), 2),
        "wrk_max_ms": max(result["max_ms"] for result in wrk_results.values()),
        "wrk_socket_errors": sum(result["socket_errors"] for result in wrk_results.values()),
        "creates_refused": dict(creators.refused),
        "creates_given_up": creators.given_up,
    }


def broken_rules(totals: dict, outages: list[dict], posts: dict, creators) -> list[str]:
    broken = []
    if totals["answered_500"]:
        broken.append(f"{totals['answered_500']} answers were a 5xx other than 503")
    if totals["malformed_503"]:
        broken.append(f"{totals['malformed_503']} 503s lacked problem+json or Retry-After")
    if totals["slowest_seconds"] >= REQUEST_TIMEOUT_SECONDS or totals["wrk_socket_errors"]:
        broken.append("a request hung or lost its connection")
    if totals["creates_refused"] or totals["creates_given_up"]:
        broken.append("a create was refused or never answered")
    for outage in outages:
        name, during = outage["name"], outage["during"]
        if name.startswith("PostgreSQL stopped") and set(during["readyz"]) <= {"200"}:
            broken.append(f"{name}: /readyz never failed")
        if name.startswith("Redis") and set(during["square"]) - {"200"}:
            broken.append(f"{name}: the square was not served: {during['square']}")
        if name.startswith("Redis") and "503" not in during["create"]:
            broken.append(f"{name}: no create answered 503")
        for kind, seconds in outage["recovery_seconds"].items():
            if seconds is None or seconds > RECOVERY_SECONDS:
                broken.append(f"{name}: {kind} served again after {seconds} s")
    if not posts["ok"]:
        broken.append(f"posts lost or doubled: {posts}")
    return broken


def summary_lines(totals: dict, outages: list[dict], posts: dict, broken: list[str]) -> list[str]:
    lines = [
        f"requests {totals['requests']}, 201s {totals['created_201']}, "
        f"503s {totals['answered_503']}, 500s {totals['answered_500']}, "
        f"malformed 503s {totals['malformed_503']}, slowest {totals['slowest_seconds']} s",
    ]
    for outage in outages:
        lines.append(f"{outage['name']}: during {outage['during']}")
        lines.append(f"  recovery seconds {outage['recovery_seconds']}")
    lines.append(
        f"posts: {posts['answered_201']} keys answered 201, {posts['posts_in_database']} posts, "
        f"lost {posts['lost']}, doubled {posts['doubled']}, unanswered {posts['unanswered']}"
    )
    lines.append("PASSED" if not broken else "FAILED: " + "; ".join(broken))
    return lines


def document(results: dict, outages: list[dict], totals: dict) -> str:
    posts = results["posts"]
    rows = [
        "## Last run",
        "",
        f"Started {results['started_at']}, finished {results['finished_at']}: "
        + ("**passed**." if results["ok"] else "**failed**: " + "; ".join(results["broken_rules"])),
        "",
        f"Server: `{results['server_command']}`",
        "",
        "| Figure | Value |",
        "| --- | --- |",
        f"| Requests (wrk, creators, probe) | {totals['requests']} |",
        f"| 201 (posts created) | {totals['created_201']} |",
        f"| 503 | {totals['answered_503']} |",
        f"| 500 (any 5xx but 503; must be 0) | {totals['answered_500']} |",
        f"| 503 without problem+json or Retry-After | {totals['malformed_503']} |",
        f"| Slowest creator or probe request | {totals['slowest_seconds']} s |",
        f"| Slowest wrk request | {totals['wrk_max_ms']:.0f} ms |",
        f"| Every status | {json.dumps(totals['statuses'])} |",
        "",
        "| Fault | Down, s | Square during | /readyz during | Creates during "
        "| Recovery s (square / readyz / create) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for outage in outages:
        during, recovery = outage["during"], outage["recovery_seconds"]
        rows.append(
            f"| {outage['name']} | {outage['back_at'] - outage['down_at']:.1f} "
            f"| {json.dumps(during['square'])} | {json.dumps(during['readyz'])} "
            f"| {json.dumps(during['create'])} "
            f"| {' / '.join(str(recovery[kind]) for kind in KINDS)} |"
        )
    rows += [
        "",
        "| Posts check | Value |",
        "| --- | --- |",
        *(
            f"| {name.replace('_', ' ')} | {posts[name]} |"
            for name in (
                "answered_201",
                "keys_in_database",
                "posts_in_database",
                "lost",
                "doubled",
                "unanswered",
                "posts_without_one_key",
            )
        ),
        "",
    ]
    return "\n".join(rows)
