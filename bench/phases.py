"""Wall and CPU seconds of each phase of the bench load, so a slow load says where its time went.

CPU is counted apart for this process, the planner processes (its children) and the database
backends that did the work (read from /proc, so only when PostgreSQL runs on this machine):
the machine is shared, and wall time alone cannot tell waiting from working.
"""

import os
import time
from contextlib import contextmanager

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(connection: psycopg.Connection) -> float | None:
    """User + system CPU seconds of the connection's backend so far; None when not local."""
    try:
        with open(f"/proc/{connection.info.backend_pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields; the split dropped the first two.
    return (int(fields[11]) + int(fields[12])) / TICKS


class Phases:
    """Records phases in order: {name: {wall, cpu_client, cpu_planners, cpu_database}}."""

    def __init__(self):
        self.figures: dict[str, dict] = {}

    @contextmanager
    def measure(self, name: str, connection: psycopg.Connection):
        """Times the block; cpu_database counts connection's backend, plus whatever the block
        adds to the returned dict's "database" key (work done on other connections)."""
        extra = {"database": 0.0}
        wall, client, children = time.monotonic(), time.process_time(), _children_cpu()
        backend = backend_cpu_seconds(connection)
        yield extra
        after = backend_cpu_seconds(connection)
        database = None if backend is None or after is None else after - backend + extra["database"]
        self.figures[name] = {
            "wall": round(time.monotonic() - wall, 2),
            "cpu_client": round(time.process_time() - client, 2),
            "cpu_planners": round(_children_cpu() - children, 2),
            "cpu_database": None if database is None else round(database, 2),
        }


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system
