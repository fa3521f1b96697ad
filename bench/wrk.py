"""wrk runs, with the JSON summary line bench/lua/common.lua prints."""

import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join("bench", "lua")


def command(url: str, script: str, args: list[str], seconds: int, connections: int, threads: int):
    return [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        os.path.join(LUA, script),
        url,
        "--",
        *args,
    ]


def start(url, script, args, seconds, connections, threads=1) -> subprocess.Popen:
    """Start one wrk (from the repository root, where the Lua scripts find common.lua)."""
    return subprocess.Popen(
        command(url, script, args, seconds, connections, min(threads, connections)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def result(process: subprocess.Popen) -> dict:
    """Wait for a wrk and read its summary: requests, rps, p50/p95/p99 ms, errors, statuses."""
    output, _ = process.communicate()
    lines = [line for line in output.splitlines() if line.startswith("WRK_JSON ")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed:\n{output}")
    summary = json.loads(lines[-1].removeprefix("WRK_JSON "))
    summary["rps"] = round(summary["requests"] / summary["duration_s"], 1)
    ok = sum(n for status, n in summary["statuses"].items() if status.startswith("2"))
    summary["errors"] = summary["requests"] - ok + summary["socket_errors"]
    return summary


def run(url, script, args, seconds, connections, threads=2) -> dict:
    return result(start(url, script, args, seconds, connections, threads))
