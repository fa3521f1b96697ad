"""Fixtures: one migrated test database; each test runs inside a transaction that is rolled back."""

import io
import json
import logging

import pytest
from flask.globals import app_ctx
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.areas.service import load_districts
from app.auth.models import User
from app.auth.tokens import start_session
from app.auth.wechat import EXTENSION, MiniProgramClient
from app.auth.wechat_web import EXTENSION as OA_EXTENSION
from app.auth.wechat_web import OfficialAccountClient
from app.catalog.service import load_edition
from app.extensions import db
from app.limits.limiter import EXTENSION as LIMITER
from app.request_log import JsonFormatter
from tests.fakes.server import serve
from tests.fakes.wechat import FakeWeChat
from tests.moderation.oracle import personal_data_in
from tests.probe_routes import bp as probe_bp

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret-0123456789abcdef"
OA_APP_ID = "wxfedcba9876543210"
OA_APP_SECRET = "fake-official-account-secret-000"
H5_ORIGIN = "https://h5.medshare.test"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
WEB_DOMAIN = "h5.medshare.test"
TIMEOUT_SECONDS = 0.5


@pytest.fixture(scope="session", autouse=True)
def no_personal_data_in_any_log_line():
    """Every line the test run logs, from any logger, checked when the run ends: no phone number,
    identity number or email that a reader could spot (tests/moderation/oracle.py, independent
    of the masker) may be in one.

    Every log handler writes through JsonFormatter, so its output is what is recorded; the root
    logger gets one too, as it has when served (app/granian_logging.json).
    """
    lines: list[str] = []
    write = JsonFormatter.format

    def recorded(formatter, record):
        line = write(formatter, record)
        lines.append(line)
        return line

    root_handler = logging.StreamHandler(io.StringIO())
    root_handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(JsonFormatter, "format", recorded)
        root.addHandler(root_handler)
        try:
            yield
        finally:
            root.removeHandler(root_handler)
    leaks = [(found, line) for line in lines if (found := personal_data_in(line))]
    assert not leaks, f"{len(leaks)} log lines hold personal data, such as: {leaks[:5]}"


@pytest.fixture(scope="session")
def app():
    """The app on the test database (runtime role), migrated to head by the owner role, with
    the districts loaded (a no-op once they match the data file)."""
    app = create_app("test")
    # Routes that raise each kind of error, outside the OpenAPI document; see probe_routes.py.
    app.register_blueprint(probe_bp)
    with app.app_context():
        upgrade()
        load_districts()
    return app


@pytest.fixture
def db_session(app):
    """A session whose work, commits included, is rolled back when the test ends."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # A plain SQLAlchemy Session: Flask-SQLAlchemy's own picks the engine over the bound
        # connection, which would step outside the transaction.
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class FreshGlobalsClient(FlaskClient):
    """Each request gets its own `g`, as it does when served.

    A request reuses the app context the db_session fixture holds open (a fresh context would
    tear the test's session down); without this, whatever one request cached on `g` would
    leak into the next.
    """

    def open(self, *args, **kwargs):
        context = app_ctx._get_current_object()
        held, context.g = context.g, self.application.app_ctx_globals_class()
        try:
            return super().open(*args, **kwargs)
        finally:
            context.g = held


@pytest.fixture
def client(app, db_session):
    app.test_client_class = FreshGlobalsClient
    forget_counted_requests(app)
    return app.test_client()


def forget_counted_requests(app) -> None:
    """Delete what the rate limiter counted for this suite in the shared Redis: each test starts
    with a full allowance (the key prefix is the suite's own, named after TEST_DB)."""
    redis = app.extensions[LIMITER].storage.storage
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    keys = list(redis.scan_iter(match=f"*LIMITER/{prefix}/*", count=1000))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def sign_in(db_session):
    """Make a user (or take one) and sign them in; returns (user, TokenPair)."""

    def sign_in(user: User | None = None, client: str = "h5"):
        user = user or User()
        db_session.add(user)
        db_session.flush()
        pair = start_session(user, client)
        db_session.commit()
        return user, pair

    return sign_in


@pytest.fixture
def wechat(app, monkeypatch):
    """A fake WeChat (mini program and official account) the app talks to, with clients of its
    own so no access token or ticket carries over between tests."""
    fake = FakeWeChat(
        APP_ID,
        APP_SECRET,
        oa_app_id=OA_APP_ID,
        oa_app_secret=OA_APP_SECRET,
        web_domains=(WEB_DOMAIN,),
    )
    clients = {EXTENSION: MiniProgramClient(), OA_EXTENSION: OfficialAccountClient()}
    with serve(fake) as base_url:
        for name, value in {
            "WECHAT_API_BASE_URL": base_url,
            "WECHAT_OPEN_BASE_URL": base_url,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_OA_APP_ID": OA_APP_ID,
            "WECHAT_OA_APP_SECRET": OA_APP_SECRET,
            "WECHAT_TIMEOUT_SECONDS": TIMEOUT_SECONDS,
            "H5_ORIGIN": H5_ORIGIN,
        }.items():
            monkeypatch.setitem(app.config, name, value)
        for extension, client in clients.items():
            monkeypatch.setitem(app.extensions, extension, client)
        try:
            yield fake
        finally:
            fake.release()
            for client in clients.values():
                client.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def catalog(db_session):
    """The 2022-12-08 home-care edition, loaded inside the test's transaction."""
    load_edition()
    return db_session


@pytest.fixture
def log_records():
    """Everything MedShare logs during the test, as parsed JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("medshare")
    logger.addHandler(handler)
    lines: list[dict] = []

    def read() -> list[dict]:
        lines[:] = [json.loads(line) for line in stream.getvalue().splitlines()]
        return lines

    try:
        yield read
    finally:
        logger.removeHandler(handler)


def logged_code(log_records) -> str:
    """The last SMS code the development provider wrote to the log."""
    return [line for line in log_records() if line["logger"] == "medshare.sms"][-1]["code"]
