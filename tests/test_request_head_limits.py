"""An over-long request line or header block gets a problem+json answer naming the limit, from
the app's own limits, below those of Granian (as `make run` serves), which answer by themselves."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.limits.test_store_down import free_port

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 20
PROBLEM = "application/problem+json"


def test_a_request_line_past_the_limit_is_a_414_problem(app, client):
    limit = app.config["MAX_REQUEST_LINE_BYTES"]
    answer = client.get("/api/v1/posts", query_string={"medicine": "x" * limit})
    assert answer.status_code == 414
    assert answer.content_type == PROBLEM
    assert answer.get_json()["code"] == "request_line_too_long"
    assert str(limit) in answer.get_json()["detail"]


def test_a_request_line_within_the_limit_is_served(app, client):
    room = app.config["MAX_REQUEST_LINE_BYTES"] - len("GET /healthz?q=") - 1
    assert client.get("/healthz", query_string={"q": "x" * room}).status_code == 200


@pytest.mark.parametrize("headers", ["many", "large"])
def test_too_many_or_too_large_headers_are_a_431_problem(app, client, headers):
    if headers == "many":
        sent = {f"X-Extra-{n}": "1" for n in range(app.config["MAX_HEADER_COUNT"] + 1)}
    else:
        sent = {"X-Extra": "x" * app.config["MAX_HEADER_BYTES"]}
    answer = client.get("/api/v1/medicines", headers=sent)
    assert answer.status_code == 431
    assert answer.content_type == PROBLEM
    assert answer.get_json()["code"] == "headers_too_large"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def head_bytes(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)
    }
    return int(status_line.split()[1]), headers, body


def send(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return head_bytes(received)


def get(target: str, headers: str = "") -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n".encode()


@pytest.fixture(scope="module")
def granian_port():
    """app.serve:app under Granian, as `make run` serves it (one worker), on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("granian")),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--blocking-threads", "2"),
            *("--log-config", "app/granian_logging.json"),
            "app.serve:app",
        ],
        cwd=ROOT,
        env={**os.environ, "MEDSHARE_ENV": "test"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if send(port, get("/healthz"))[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_under_granian_a_long_request_line_is_the_apps_problem_not_the_servers(app, granian_port):
    target = "/api/v1/posts?medicine=" + "x" * app.config["MAX_REQUEST_LINE_BYTES"]
    status, headers, body = send(granian_port, get(target))
    assert status == 414
    assert headers["content-type"] == PROBLEM
    assert json.loads(body)["code"] == "request_line_too_long"


def test_under_granian_many_headers_are_the_apps_problem_not_the_servers(app, granian_port):
    extra = "".join(f"X-Extra-{n}: 1\r\n" for n in range(app.config["MAX_HEADER_COUNT"] + 1))
    status, headers, body = send(granian_port, get("/api/v1/medicines", extra))
    assert status == 431
    assert headers["content-type"] == PROBLEM
    assert json.loads(body)["code"] == "headers_too_large"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (get("/healthz?q=" + "x" * 70_000), 414),
        (get("/healthz", "".join(f"X-Extra-{n}: 1\r\n" for n in range(120))), 431),
    ],
    ids=["request line of 70 KB", "120 headers"],
)
def test_past_granians_own_limits_granian_answers_with_an_empty_body_never_a_page(
    granian_port, request_bytes, status
):
    """Documented in app/request_guards.py: these never reach the app."""
    answered, headers, body = send(granian_port, request_bytes)
    assert answered == status
    assert body == b"" and headers["content-length"] == "0"
