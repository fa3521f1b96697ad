"""Races driven with requests that really run side by side (issue 18).

Each racer is a thread with a client of its own: every request gets an app context, a session
and a database connection of its own, as under a threaded server, and waits at a barrier so
that all are sent at once. The rows they fight over must be committed (the suite's rolled-back
transaction is one connection), so the races use a database of their own
(RACE_TEST_DATABASE_URL), which `make test` makes afresh each run: the moderators' audit trail
refuses the DELETE that cleaning up would need, as for the browser walks.
"""

import itertools
import os
import secrets
import threading

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.catalog.service import load_edition
from app.extensions import db
from app.staff import service as staff_service
from config import TestConfig
from tests.conftest import bearer
from tests.factories import committed_verified_user
from tests.moderation.conftest import StaffApi
from tests.staff.conftest import PASSWORD, sign_in

DATABASE_URL = os.environ.get(
    "RACE_TEST_DATABASE_URL", TestConfig.SQLALCHEMY_DATABASE_URI + "_races"
)
OWNER_URL = os.environ.get("RACE_TEST_DATABASE_OWNER_URL", TestConfig.DATABASE_OWNER_URL + "_races")
# Long enough for a deadlock to be found (PostgreSQL's deadlock_timeout is 1 s) and answered.
RACE_SECONDS = 30
# Every race runs its requests from one address, many times over.
NO_ADDRESS_LIMITS = {
    f"RATE_LIMIT_ADDRESS_{category}": "100000 per minute" for category in ("READS", "WRITES")
}
names = itertools.count(1)


@pytest.fixture(scope="session")
def race_app():
    """The app on the races' database, migrated, with the catalog loaded."""
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=DATABASE_URL,
        DATABASE_OWNER_URL=OWNER_URL,
        RATELIMIT_KEY_PREFIX=f"{TestConfig.RATELIMIT_KEY_PREFIX}_races",
        **NO_ADDRESS_LIMITS,
    )
    with app.app_context():
        upgrade()
        load_edition()
    yield app
    with app.app_context():
        db.engine.dispose()


def at_once(*calls):
    """Run each call in a thread of its own, released together; returns their results in order.

    Fails if a call raised, or has not returned within RACE_SECONDS (two requests waiting for
    each other for good).
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            barrier.wait(RACE_SECONDS)
            results[index] = call()
        except Exception as error:  # reported by the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair, daemon=True) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a racer never returned"
    assert not errors, errors
    return results


@pytest.fixture
def client_of(race_app):
    """A new client (its own cookies, its own connection per request)."""
    return lambda: FlaskClient(race_app, race_app.response_class, use_cookies=True)


@pytest.fixture
def poster(race_app):
    """A committed user verified to the identity level with every consent; returns
    (user id, headers)."""

    def poster():
        with race_app.app_context():
            user, token = committed_verified_user("刘*")
            return user.id, bearer(token)

    return poster


@pytest.fixture
def moderator(race_app, client_of):
    """A committed moderator signed in on a browser of their own."""

    def moderator() -> StaffApi:
        username = f"mod.race{next(names)}-{secrets.token_hex(3)}"
        with race_app.app_context():
            credentials = staff_service.create_staff(username, "moderator", PASSWORD)
        browser = client_of()
        assert sign_in(browser, credentials).status_code == 302
        return StaffApi(browser, username)

    return moderator
