"""Starting and stopping the servers a bench run measures, and their memory.

Ours is started with the very command `make run` uses (the Makefile's serve-command prints it,
so a change of server or options there reaches the bench without editing it); the bare Flask
reference runs under that same command with its module in place of ours (app.serve:app).
"""

import os
import shlex
import signal
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUR_APP = "app.serve:app"
READY_SECONDS = 60


def serve_command(host: str, port: int, workers: int, app: str = OUR_APP) -> list[str]:
    """`make run`'s server command (the Makefile's serve-command) for this host, port and
    worker count, serving `app`."""
    printed = subprocess.run(
        ["make", "-s", "serve-command", f"HOST={host}", f"PORT={port}", f"WORKERS={workers}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [*shlex.split(printed), app]


def uvicorn_command(host: str, port: int, workers: int, app: str) -> list[str]:
    return [
        os.path.join(ROOT, ".venv", "bin", "uvicorn"),
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        app,
    ]


class Server:
    """A server process group, started ready (its URL answers) and stopped with its workers."""

    def __init__(self, name: str, command: list[str], env: dict, url: str, log_path: str):
        self.name, self.command, self.env, self.url = name, command, env, url
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer {self.url}; see {self.log_path}")

    def __exit__(self, *_exc) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def rss_mb(self) -> dict:
        """Resident memory of the server and each of its workers, and the total, in MB."""
        pids = [self.process.pid, *_descendants(self.process.pid)]
        sizes = {pid: _rss_kb(pid) / 1024 for pid in pids}
        return {
            "total_mb": round(sum(sizes.values()), 1),
            "processes_mb": [round(size, 1) for size in sizes.values()],
        }


def _descendants(pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if parent == pid:
            children.append(int(entry))
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
