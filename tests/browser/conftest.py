"""What the browser walk-throughs share: Debian's chromium driven by Playwright, the app served
over real HTTP on a free loopback port against the browser's own database, and screenshots.

The browser needs committed rows, and the moderators' audit trail refuses the DELETE that
cleaning up would need, so the walks use a database of their own (BROWSER_TEST_DATABASE_URL;
`make test` makes it afresh each run). Screenshots go to tests/artifacts/screenshots/.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Page, expect, sync_playwright

from app import create_app
from app.auth.models import User, UserVerification
from app.catalog.service import load_edition
from app.extensions import db
from app.me.service import grant_consent, policies
from app.partners import service as partners
from app.partners.service import PartnerCodeTaken
from app.posts.create import create_post
from app.posts.models import Post
from app.posts.presenter import Reader
from app.posts.schemas import PostCreateSchema
from config import TestConfig
from tests.fakes.server import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
DATABASE_URL = os.environ.get(
    "BROWSER_TEST_DATABASE_URL", TestConfig.SQLALCHEMY_DATABASE_URI + "_browser"
)
OWNER_URL = os.environ.get(
    "BROWSER_TEST_DATABASE_OWNER_URL", TestConfig.DATABASE_OWNER_URL + "_browser"
)
WAIT_MS = 15_000
# Assertions wait as long as actions do: a loaded machine (CI's two cores, busy with the server
# and the database too) may take more than Playwright's 5 s default to show a page's answer.
expect.set_options(timeout=WAIT_MS)


def browser_app(**settings) -> Flask:
    """The app on the browser's database, migrated, with the catalog loaded."""
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=DATABASE_URL, DATABASE_OWNER_URL=OWNER_URL, **settings
    )
    with app.app_context():
        upgrade()
        load_edition()
    return app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve the app over HTTP from a thread on a free loopback port; yields its base URL."""
    try:
        with serve(app) as base_url:
            yield base_url
    finally:
        with app.app_context():
            db.engine.dispose()


@contextmanager
def chromium_page(profile: Path, **context_options) -> Iterator[Page]:
    """A Chromium tab with an empty profile of its own; console errors (a CSP violation among
    them) and uncaught exceptions are collected on page.errors."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            **context_options,
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.errors = []
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.on("pageerror", lambda error: page.errors.append(str(error)))
            yield page
        finally:
            context.close()


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def post_by_a_verified_poster(body: dict, display_name: str = "刘*") -> Post:
    """A post made through the service by a new poster with the identity level and every
    consent, as the demo data's are; committed."""
    poster = User(
        display_name=display_name,
        verifications=[UserVerification(level="identity", provider="test")],
    )
    db.session.add(poster)
    db.session.flush()
    for purpose, policy in policies().items():
        grant_consent(poster, purpose, policy["current"])
    _answer, post_id, _created = create_post(poster, PostCreateSchema().load(body), None, Reader())
    return db.session.get(Post, post_id)


def partner_link(code: str, values: dict) -> str:
    """The public id of a new public embed key (what ?partner= carries) of the partner with this
    code, registered with these values, or updated to them and made active on a database an
    earlier run kept; committed."""
    try:
        partners.register_partner(code, values)
    except PartnerCodeTaken:
        partners.update_partner(code, {**values, "status": "active"})
    return partners.issue_key(code, "public").key.public_id
