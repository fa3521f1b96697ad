"""The bench run of issues 7 and 16 (`make bench` calls it after loading the data):

0. CPU and SQL statements per request of the square, a post's page and a create, in-process
   (bench/cpu.py: the shared machine's req/s move from run to run, CPU per request does not);
1. mixed load against our service, served as `make run` serves it: square reads, post details,
   contact reveals and new posts, one wrk per endpoint in parallel, RSS at start and end;
2. square-only runs of ours, the bare Flask reference and the FastAPI peer, same URLs;
3. creating posts flat out, then a check that every 201 is exactly one post;
4. EXPLAIN of every square query shape and pgbench of the bare SQL, PGBENCH_RUNS times;
5. bench/results.json and docs/PERFORMANCE.md (bench/report.py).

Knobs (environment): DURATION (mixed run, seconds; 600), CONNECTIONS (16), WORKERS (2),
COMPARE_SECONDS (30), CREATE_SECONDS (30), PGBENCH_SECONDS (15), PGBENCH_RUNS (3),
CPU_REQUESTS (300), BENCH_PORT (8600).
"""

import json
import os
import sys
import tempfile
from datetime import UTC, datetime

from app import create_app
from app.extensions import db
from bench import cpu, database, fixtures, report, servers, wrk

HOST = "127.0.0.1"
# Share of the mixed run's connections per endpoint; the square takes what is left.
MIXED_SIDE_ENDPOINTS = ("detail", "reveal", "create")
WARM_UP_SECONDS = 5


def knobs() -> dict:
    return {
        "duration": int(os.environ.get("DURATION", 600)),
        "connections": int(os.environ.get("CONNECTIONS", 16)),
        "workers": int(os.environ.get("WORKERS", 2)),
        "compare_seconds": int(os.environ.get("COMPARE_SECONDS", 30)),
        "create_seconds": int(os.environ.get("CREATE_SECONDS", 30)),
        "pgbench_seconds": int(os.environ.get("PGBENCH_SECONDS", 15)),
        "pgbench_runs": int(os.environ.get("PGBENCH_RUNS", 3)),
        "cpu_requests": int(os.environ.get("CPU_REQUESTS", 300)),
        "port": int(os.environ.get("BENCH_PORT", 8600)),
    }


# Limits raised so the few load users can reveal and post all run long (the limits are per
# user per day), for the bench's server and the in-process CPU figures alike.
RAISED_LIMITS = {
    "CONTACT_REVEALS_PER_DAY": "1000000000",
    "OPEN_POSTS_PER_USER": "1000000000",
    "ACCESS_TOKEN_MINUTES": "600",
    # wrk calls from one address as a few users, far past any rate limit a real caller has.
    **{
        f"RATE_LIMIT_{kind}_{category}": "1000000000 per minute"
        for kind in ("ADDRESS", "USER")
        for category in ("READS", "WRITES")
    },
}


def raised_settings() -> dict:
    """RAISED_LIMITS as settings of an app in this process: numbers as numbers."""
    return {name: int(value) if value.isdigit() else value for name, value in RAISED_LIMITS.items()}


def server_env() -> dict:
    """The service's environment for the bench: the bench database and RAISED_LIMITS."""
    return {**os.environ, **RAISED_LIMITS, "PYTHONPATH": servers.ROOT}


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)  # noqa: T201 - progress of a long run


def mixed_run(base: str, files: dict, k: dict, run_id: str) -> dict:
    """One wrk per endpoint at once; the square gets all connections but one per side endpoint.

    Separate wrk processes because wrk's Lua sees each response but not its latency, so one
    wrk cannot report percentiles per endpoint; the mix comes from the connections: about 85%
    of requests are square reads when each side endpoint has one connection of 16.
    """
    started = start_mixed(base, files, k, run_id, MIXED_SIDE_ENDPOINTS)
    results = {name: wrk.result(process) for name, process in started.items()}
    total = sum(result["requests"] for result in results.values())
    for result in results.values():
        result["share"] = round(result["requests"] / total, 3) if total else 0
    return results


def start_mixed(base: str, files: dict, k: dict, run_id: str, side: tuple[str, ...]) -> dict:
    """Start the mixed run's wrk processes, the square and the side endpoints named; returns
    them by name (bench/fault.py runs the mix without wrk's creates, which it sends itself)."""
    if k["connections"] <= len(side):
        raise SystemExit(
            f"CONNECTIONS must be more than {len(side)}: one each for the side endpoints"
        )
    runs = {
        "square": ("get.lua", [files["square_mixed"]], k["connections"] - len(side), 2),
        "detail": ("get.lua", [files["detail"]], 1, 1),
        "reveal": ("reveal.lua", [files["tokens"], files["post_ids"]], 1, 1),
        "create": ("create.lua", [files["tokens"], files["bodies"], f"{run_id}-mixed"], 1, 1),
    }
    return {
        name: wrk.start(base, script, args, k["duration"], connections, threads)
        for name, (script, args, connections, threads) in runs.items()
        if name == "square" or name in side
    }


def square_only(base: str, files: dict, k: dict) -> dict:
    args = [files["square_compare"]]
    wrk.run(base, "get.lua", args, WARM_UP_SECONDS, k["connections"])
    return wrk.run(base, "get.lua", args, k["compare_seconds"], k["connections"])


def main() -> int:
    k = knobs()
    app = create_app()
    run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    base = f"http://{HOST}:{k['port']}"
    results: dict = {"knobs": k, "started_at": datetime.now(UTC).isoformat()}
    with open("/proc/loadavg", encoding="ascii") as handle:
        # A busy machine (other work on the same cores) lowers every figure: recorded.
        results["load_average_start"] = float(handle.read().split()[0])
    work = tempfile.mkdtemp(prefix="medshare-bench-")
    say(f"request files and server logs in {work}")
    say(f"CPU and statements per request, in-process, {k['cpu_requests']} requests each")
    # The same raised limits as the servers get from their environment (config reads it once,
    # at import, so this process takes them as overrides).
    posting = create_app(**raised_settings())
    results["cpu"] = cpu.measure(posting, k["cpu_requests"])
    for name, figures in results["cpu"].items():
        say(f"{name}: {figures['cpu_ms']} ms CPU, {figures['statements']} statements a request")
    with app.app_context():
        prepared = fixtures.write_request_files(work)
        files, user_ids = prepared["files"], prepared["load_user_ids"]
        results["posts"] = db.session.execute(db.text("SELECT count(*) FROM posts")).scalar()
    env = server_env()
    ours = servers.serve_command(HOST, k["port"], k["workers"])
    results["server_command"] = " ".join(ours)
    say(f"our service: {results['server_command']}")
    with servers.Server("ours", ours, env, base + "/readyz", os.path.join(work, "ours.log")) as s:
        wrk.run(base, "get.lua", [files["square_mixed"]], WARM_UP_SECONDS, k["connections"])
        results["rss_start"] = s.rss_mb()
        say(f"mixed run, {k['duration']} s, {k['connections']} connections")
        results["mixed"] = mixed_run(base, files, k, run_id)
        results["rss_end"] = s.rss_mb()
        say("square only, ours")
        results["square_ours"] = square_only(base, files, k)
        say(f"creating posts flat out, {k['create_seconds']} s")
        results["create"] = wrk.run(
            base,
            "create.lua",
            [files["tokens"], files["bodies"], f"{run_id}-create"],
            k["create_seconds"],
            k["connections"],
        )
    creates = (results["mixed"]["create"], results["create"])
    answered = sum(result["statuses"].get("201", 0) for result in creates)
    with app.app_context():
        results["create_check"] = fixtures.created_posts_check(
            user_ids, answered, sum(result["sent"] for result in creates)
        )
    references = {
        "square_reference": servers.serve_command(
            HOST, k["port"], k["workers"], "bench.reference_flask:app"
        ),
        "square_peer": servers.uvicorn_command(
            HOST, k["port"], k["workers"], "bench.reference_fastapi:app"
        ),
    }
    probe = base + "/api/v1/posts?lat=22.5463&lng=114.0528"
    for key, command in references.items():
        say(f"square only, {key}: {' '.join(command)}")
        with servers.Server(key, command, env, probe, os.path.join(work, f"{key}.log")):
            results[key] = square_only(base, files, k)
        results[key]["command"] = " ".join(command)
    with app.app_context():
        results["versions"] = database.versions()
        say("EXPLAIN of every square query shape")
        results["explain"] = database.explain_all()
        say(f"pgbench, {k['pgbench_runs']} runs of {k['pgbench_seconds']} s each")
        results["pgbench"] = database.pgbench_runs(k["pgbench_seconds"], k["pgbench_runs"])
    results["finished_at"] = datetime.now(UTC).isoformat()
    load = os.environ.get("BENCH_LOAD_JSON")
    if load and os.path.exists(load):
        with open(load, encoding="utf-8") as handle:
            results["load"] = json.load(handle)
    summary = report.write(results)
    for key, value in summary.items():
        say(f"{key} = {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
