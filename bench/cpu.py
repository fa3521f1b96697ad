"""CPU per request and SQL statements per request, in-process (issue 16).

The shared machine's requests per second move by 2x from run to run; the CPU one request costs
does not. Each figure runs N requests through Flask's test client in this process, after a few
to warm the per-worker caches, and divides `time.process_time()` (this process's CPU: Flask,
SQLAlchemy, the driver, our code; not the database's) by N. Statements are counted with
SQLAlchemy's before_cursor_execute event: every statement a request sends, the sign-in check
included.

Run first in a bench run: the posts it creates belong to the load users, whose leftovers the
request files' preparation (bench/fixtures.py) then clears.
"""

import json
import logging
import os
import random
import time
from collections.abc import Callable
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from app.auth.tokens import start_session
from app.extensions import db
from bench import fixtures

WARM_UP = 10
POINT = (22.5463, 114.0528)


@contextmanager
def quiet_logs():
    """The request log is still written (it is part of a request's cost), to nowhere."""
    handlers = [
        handler
        for name in ("", "medshare")
        for handler in logging.getLogger(name).handlers
        if type(handler) is logging.StreamHandler  # the app's own stderr lines, not a test's
    ]
    with open(os.devnull, "w", encoding="utf-8") as nowhere:
        streams = [handler.setStream(nowhere) for handler in handlers]
        try:
            yield
        finally:
            for handler, stream in zip(handlers, streams, strict=True):
                handler.setStream(stream)


@contextmanager
def counting_statements(app: Flask):
    """Yields a list whose length is the statements sent while the block runs."""
    sent: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


def per_request(app: Flask, send: Callable[[int], object], requests: int) -> dict:
    """CPU milliseconds and statements per request of `send(i)` over `requests` calls."""
    for number in range(WARM_UP):
        send(-1 - number)
    with counting_statements(app) as sent:
        started = time.process_time()
        for number in range(requests):
            send(number)
        cpu = time.process_time() - started
    return {
        "requests": requests,
        "cpu_ms": round(cpu * 1000 / requests, 3),
        "statements": round(len(sent) / requests, 2),
    }


def _expect(status: int):
    def check(response):
        if response.status_code != status:
            raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)[:300]}")
        return response

    return check


def measure(app: Flask, requests: int, seed: int = 16) -> dict:
    """cpu_ms and statements of an unfiltered square page, a post's page and a create (with an
    Idempotency-Key, as the bench sends)."""
    rng = random.Random(seed)
    with app.app_context():
        user = fixtures.load_users()[0]
        user_id = user.id
        fixtures.clear_last_run([user_id])
        token = start_session(user, "h5").access_token
        db.session.commit()
        post_ids = fixtures.open_post_ids(rng)
        bodies = [json.loads(body) for body in fixtures.request_bodies(rng, [POINT])]
    with quiet_logs():
        figures = _measure(app, requests, token, post_ids, bodies)
    with app.app_context():
        fixtures.clear_last_run([user_id])
    return figures


def _measure(app: Flask, requests: int, token: str, post_ids: list[int], bodies: list) -> dict:
    client = app.test_client()
    lat, lng = POINT
    ok, created = _expect(200), _expect(201)
    auth = {"Authorization": f"Bearer {token}"}
    run_id = time.time_ns()
    return {
        "square": per_request(
            app, lambda i: ok(client.get(f"/api/v1/posts?lat={lat}&lng={lng}")), requests
        ),
        "detail": per_request(
            app,
            lambda i: ok(
                client.get(f"/api/v1/posts/{post_ids[i % len(post_ids)]}?lat={lat}&lng={lng}")
            ),
            requests,
        ),
        "create": per_request(
            app,
            lambda i: created(
                client.post(
                    "/api/v1/posts",
                    json=bodies[i % len(bodies)],
                    headers={**auth, "Idempotency-Key": f"cpu-{run_id}-{i}"},
                )
            ),
            requests,
        ),
    }
