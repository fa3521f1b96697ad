"""The contract run's app: on a database of its own, with demo-like data, and its callers.

Schemathesis creates, resolves and decides on committed rows, and the moderators' audit trail
refuses the DELETE that cleaning up would need, so the contract run has a database of its own
(CONTRACT_TEST_DATABASE_URL; `make test` makes it afresh each run), as the browser walks do.
"""

import os
import secrets
from urllib.parse import urlsplit

from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.areas.service import load_districts
from app.catalog.service import load_edition
from app.demo.queue import seed_demo_queue
from app.demo.seed import seed_demo_posts
from app.stats.snapshot import take_snapshot
from config import TestConfig
from tests.factories import committed_verified_user
from tests.fakes.wechat import FakeWeChat
from tests.staff.conftest import signed_in_browser

DATABASE_URL = os.environ.get(
    "CONTRACT_TEST_DATABASE_URL", TestConfig.SQLALCHEMY_DATABASE_URI + "_contract"
)
OWNER_URL = os.environ.get(
    "CONTRACT_TEST_DATABASE_OWNER_URL", TestConfig.DATABASE_OWNER_URL + "_contract"
)
DEMO_POSTS = 300
DEMO_SEED = 2022
# The run's requests are the fuzzer's, hundreds a minute from one address and one user: limits
# this high keep 429 out of it (a documented answer, but one that would hide every other). The
# limits themselves are tested in tests/limits.
UNLIMITED = "100000 per minute"
CONTRACT_SETTINGS = {
    "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
    "DATABASE_OWNER_URL": OWNER_URL,
    "RATELIMIT_KEY_PREFIX": TestConfig.RATELIMIT_KEY_PREFIX + "_contract",
    "RATE_LIMIT_ADDRESS_READS": UNLIMITED,
    "RATE_LIMIT_ADDRESS_WRITES": UNLIMITED,
    "RATE_LIMIT_USER_READS": UNLIMITED,
    "RATE_LIMIT_USER_WRITES": UNLIMITED,
    "SMS_MOBILE_SENDS_PER_MINUTE": 100000,
    "SMS_MOBILE_SENDS_PER_DAY": 100000,
    "SMS_CLIENT_SENDS_PER_HOUR": 100000,
    "CONTACT_REVEALS_PER_DAY": 100000,
    "OPEN_POSTS_PER_USER": 100000,
    "VERIFICATION_ATTEMPTS_PER_DAY": 100000,
}


# The H5 origin the document's examples name, so they are pages of this server.
H5_ORIGIN = "https://h5.medshare.example"
WECHAT = {
    "WECHAT_APP_ID": "wx-contract-mini-program",
    "WECHAT_APP_SECRET": "contract-mini-program-secret",
    "WECHAT_OA_APP_ID": "wx-contract-official-account",
    "WECHAT_OA_APP_SECRET": "contract-official-account-secret",
}


def fake_wechat() -> FakeWeChat:
    """WeChat as make run has it: the local fake, with credentials of its own."""
    return FakeWeChat(
        WECHAT["WECHAT_APP_ID"],
        WECHAT["WECHAT_APP_SECRET"],
        oa_app_id=WECHAT["WECHAT_OA_APP_ID"],
        oa_app_secret=WECHAT["WECHAT_OA_APP_SECRET"],
        web_domains=(urlsplit(H5_ORIGIN).hostname,),
    )


def contract_app(wechat_base_url: str) -> Flask:
    """The app on the contract database, talking to the fake WeChat at wechat_base_url:
    migrated, with the catalog, districts, demo posts and queue, and the statistics' snapshot."""
    app = create_app(
        "test",
        **CONTRACT_SETTINGS,
        **WECHAT,
        WECHAT_API_BASE_URL=wechat_base_url,
        WECHAT_OPEN_BASE_URL=wechat_base_url,
        H5_ORIGIN=H5_ORIGIN,
    )
    with app.app_context():
        upgrade()
        load_edition()
        load_districts()
        seed_demo_posts(DEMO_POSTS, DEMO_SEED)
        seed_demo_queue(DEMO_SEED)
        take_snapshot()
    return app


def verified_user_token() -> str:
    """The access token of a new user verified to the identity level with every consent;
    committed."""
    return committed_verified_user("契*")[1]


def signed_in_moderator(app: Flask) -> tuple[str, str]:
    """The review page's session cookie (name=value) of a new moderator, and its CSRF token.

    The name is new on each run: a database kept from an earlier run has that run's moderator.
    """
    browser = signed_in_browser(app, f"mod.contract-{secrets.token_hex(4)}", "moderator")
    token = browser.get("/api/v1/moderation/session").get_json()["csrf_token"]
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return f"{cookie.key}={cookie.value}", token
