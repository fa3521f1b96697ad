"""When Redis, where requests are counted, is down: reads go on (and the outage is logged),
writes answer 503 with Retry-After; once it is back, requests are counted again.

The suite's shared Redis serves other checkouts too, so the test starts a server of its own on a
free loopback port and stops that one.
"""

import socket
import subprocess
import time

import pytest
import redis

from app import create_app
from app.limits.limiter import EXTENSION as LIMITER

STARTUP_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + STARTUP_SECONDS
        with redis.Redis.from_url(self.url) as client:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=STARTUP_SECONDS)
            self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def counting_in(own_redis, db_session):
    """Make apps counting in the test's own Redis; their connections close when it ends."""
    made = []

    def make(**settings):
        app = create_app("test", RATELIMIT_STORAGE_URI=own_redis.url, **settings)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions[LIMITER].storage.storage.close()


@pytest.fixture
def browser(counting_in):
    """A client of an app whose requests each try Redis again. Made before log_records: a new
    app takes over the "medshare" log handlers."""
    return counting_in(RATE_LIMIT_STORE_RETRY_SECONDS=0).test_client()


def test_with_redis_down_reads_go_on_logged_and_writes_answer_503(own_redis, browser, log_records):
    assert "RateLimit-Limit" in browser.get("/api/v1/districts").headers

    own_redis.stop()

    read = browser.get("/api/v1/districts")
    assert read.status_code == 200
    assert "RateLimit-Limit" not in read.headers
    assert browser.post("/api/v1/posts/search", json={}).status_code == 200
    write = browser.post("/api/v1/auth/refresh", headers={"Accept-Language": "en"})
    assert write.status_code == 503
    assert write.mimetype == "application/problem+json"
    assert write.json["code"] == "rate_limits_unavailable"
    assert write.headers["Retry-After"] == "0"
    assert any(line.get("event") == "rate_limits.store_down" for line in log_records())

    own_redis.start()
    assert "RateLimit-Limit" in browser.get("/api/v1/districts").headers
    assert browser.post("/api/v1/auth/refresh").status_code == 401


def test_a_worker_leaves_redis_alone_for_the_retry_seconds_after_it_failed(own_redis, counting_in):
    browser = counting_in(RATE_LIMIT_STORE_RETRY_SECONDS=60).test_client()
    own_redis.stop()
    assert browser.get("/api/v1/districts").status_code == 200
    own_redis.start()
    # Still within the 60 seconds: not counted, and writes still wait.
    assert "RateLimit-Limit" not in browser.get("/api/v1/districts").headers
    refused = browser.post("/api/v1/auth/refresh")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "60"
