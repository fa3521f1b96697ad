"""`make fault` (issue 18): the bench's mixed load while PostgreSQL and Redis fail under it.

The service is served as `make run` serves it (bench/servers.py, 2 workers) on a PostgreSQL
cluster and a Redis of the run's own (FAULT_PG_CLUSTER on FAULT_PG_PORT, a redis-server on
FAULT_REDIS_PORT, started here), never the shared ones. While wrk reads the square, post
details and reveals contacts (bench/run.py's mix) and bench/fault_load.py's creators post with
Idempotency-Keys, the timeline:

1. WARM_SECONDS of load as usual;
2. PostgreSQL restarted (fast shutdown), then SETTLE_SECONDS;
3. PostgreSQL stopped for DOWN_SECONDS, started, then SETTLE_SECONDS;
4. Redis stopped for DOWN_SECONDS, started, then SETTLE_SECONDS.

Then the creators finish their last keys and the database is compared with their 201s
(bench/fault_check.py). Prints the figures, writes docs/RELIABILITY.md and
bench/fault_results.json, and exits 1 if any rule was broken (bench/fault_report.py).

Knobs (environment): FAULT_PG_CLUSTER (fault), FAULT_PG_PORT (5439), FAULT_REDIS_PORT (6390),
FAULT_PORT (8310), CONNECTIONS (6: wrk's), CREATORS (2), WARM_SECONDS (10), DOWN_SECONDS (10),
SETTLE_SECONDS (15).
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import text

from app import create_app
from app.extensions import db
from bench import fault_report, fixtures, run, servers, wrk
from bench.fault_check import Outage, posts_check
from bench.fault_load import Clock, Creators, Probe

HOST = "127.0.0.1"
READ_ENDPOINTS = ("detail", "reveal")
# wrk runs until interrupted at the timeline's end; this only bounds a run gone wrong.
WRK_SECONDS = 900
READY_SECONDS = 30


def knobs() -> dict:
    number = lambda name, default: int(os.environ.get(name, default))  # noqa: E731
    return {
        "pg_cluster": os.environ.get("FAULT_PG_CLUSTER", "fault"),
        "pg_port": number("FAULT_PG_PORT", 5439),
        "redis_port": number("FAULT_REDIS_PORT", 6390),
        "port": number("FAULT_PORT", 8310),
        "workers": 2,
        "connections": number("CONNECTIONS", 6),
        "creators": number("CREATORS", 2),
        "warm_seconds": number("WARM_SECONDS", 10),
        "down_seconds": number("DOWN_SECONDS", 10),
        "settle_seconds": number("SETTLE_SECONDS", 15),
        "duration": WRK_SECONDS,
    }


def say(message: str) -> None:
    print(f"fault: {message}", flush=True)  # noqa: T201 - progress of a long run


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} within {READY_SECONDS} s")
        time.sleep(0.1)


class Cluster:
    """The run's own PostgreSQL cluster, driven with Debian's pg_ctlcluster."""

    def __init__(self, name: str, port: int):
        versions = sorted(os.listdir("/usr/lib/postgresql"), key=int)
        self.version, self.name, self.port = versions[-1], name, port
        if self.name == "main" or self.port == 5432:
            raise SystemExit("make fault stops its cluster: never main on 5432")

    def _ctl(self, action: str, *options: str) -> None:
        subprocess.run(["pg_ctlcluster", self.version, self.name, action, *options], check=True)

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def start(self) -> None:
        self._ctl("start")
        wait_until(lambda: listening(self.port), "PostgreSQL did not listen")


class Redis:
    """A redis-server of the run's own, without persistence: its counters may start afresh."""

    def __init__(self, port: int, directory: str):
        if port == 6379:
            raise SystemExit("make fault stops its Redis: never the shared one on 6379")
        self.port, self.directory = port, directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if listening(self.port):
            # Another server there would not stop when this one is told to.
            raise SystemExit(f"something already listens on port {self.port}")
        with open(os.path.join(self.directory, "redis.log"), "ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
                 "--appendonly", "no", "--dir", self.directory],
                stdout=log,
                stderr=log,
            )  # fmt: skip
        wait_until(lambda: listening(self.port), "Redis did not listen")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


def timeline(cluster: Cluster, redis: Redis, clock: Clock, k: dict) -> list[Outage]:
    """The faults, in order; returns when each began and ended."""
    marks = []

    def fault(name: str, down, up, seconds: int) -> None:
        say(name)
        down_at = clock.now()
        down()
        time.sleep(seconds)
        up()
        marks.append((name, down_at, clock.now()))
        time.sleep(k["settle_seconds"])

    time.sleep(k["warm_seconds"])
    fault("PostgreSQL restarted", cluster.restart, lambda: None, 0)
    fault(f"PostgreSQL stopped for {k['down_seconds']} s", cluster.stop, cluster.start,
          k["down_seconds"])  # fmt: skip
    fault(f"Redis stopped for {k['down_seconds']} s", redis.stop, redis.start, k["down_seconds"])
    ends = [down_at for _, down_at, _ in marks[1:]] + [clock.now()]
    return [
        Outage(name, down_at, back_at, until)
        for (name, down_at, back_at), until in zip(marks, ends, strict=True)
    ]


def interrupted(process: subprocess.Popen) -> dict:
    """A wrk's summary once told to stop (on SIGINT it reports what it did so far)."""
    process.send_signal(signal.SIGINT)
    return wrk.result(process)


def database_rows(user_ids: list[int]) -> tuple[dict[str, int], int]:
    keys = db.session.execute(
        text("SELECT key, post_id FROM idempotency_keys WHERE user_id = ANY(:ids)"),
        {"ids": user_ids},
    ).all()
    posts = db.session.scalar(
        text("SELECT count(*) FROM posts WHERE user_id = ANY(:ids)"), {"ids": user_ids}
    )
    return {key: post_id for key, post_id in keys}, posts


def main() -> int:
    k = knobs()
    work = tempfile.mkdtemp(prefix="medshare-fault-")
    say(f"request files and logs in {work}")
    cluster, redis = Cluster(k["pg_cluster"], k["pg_port"]), Redis(k["redis_port"], work)
    app = create_app()
    with app.app_context():
        prepared = fixtures.write_request_files(work)
    files, user_ids = prepared["files"], prepared["load_user_ids"]
    tokens, bodies = (fixtures_lines(files[name]) for name in ("tokens", "bodies"))
    base = f"http://{HOST}:{k['port']}"
    command = servers.serve_command(HOST, k["port"], k["workers"])
    results: dict = {"knobs": k, "started_at": datetime.now(UTC).isoformat()}
    results["server_command"] = " ".join(command)
    redis.start()
    try:
        with servers.Server("ours", command, run.server_env(), base + "/readyz",
                            os.path.join(work, "ours.log")):  # fmt: skip
            clock = Clock()
            creators = Creators(base, tokens, bodies, f"fault-{clock.start:.0f}", clock)
            probe = Probe(base, fixtures_lines(files["square_compare"])[0], clock)
            loads = run.start_mixed(base, files, k, "fault", READ_ENDPOINTS)
            creators.start(k["creators"])
            probe.start()
            say(f"load started: wrk {k['connections']} connections, {k['creators']} creators")
            results["outages"] = timeline(cluster, redis, clock, k)
            say("stopping the load; creators finish their last keys")
            results["wrk"] = {name: interrupted(process) for name, process in loads.items()}
            creators.finish()
            probe.finish()
    finally:
        redis.stop()
    with app.app_context():
        rows, posts = database_rows(user_ids)
    results["posts"] = posts_check(creators.answered, rows, posts)
    results["finished_at"] = datetime.now(UTC).isoformat()
    verdict = fault_report.write(results, creators, probe)
    for line in verdict["lines"]:
        say(line)
    return 0 if verdict["ok"] else 1


def fixtures_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [line for line in handle.read().splitlines() if line]


if __name__ == "__main__":
    sys.exit(main())
