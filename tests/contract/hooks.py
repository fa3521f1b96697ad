"""Schemathesis' callers in the contract run: loaded by `st run` (tests/contract/schemathesis.toml).

A user's operations carry a verified user's bearer token, made on the contract database by this
process; the fuzzer signs its user out and deletes them too, so on a 401 Schemathesis asks for
a new user and tries again. Moderation operations carry the review page's session cookie that
the test signed in (CONTRACT_STAFF_COOKIE); its CSRF token is a fixed parameter in the config.
"""

import functools
import os

import schemathesis
from flask import Flask

from app import create_app
from tests.contract.served import CONTRACT_SETTINGS, verified_user_token

MODERATION_PATHS = r"^/api/v1/moderation/"


@functools.cache
def _app() -> Flask:
    return create_app("test", **CONTRACT_SETTINGS)


@schemathesis.auth().skip_for(path_regex=MODERATION_PATHS)
class VerifiedUser:
    def get(self, case, context) -> str:
        with _app().app_context():
            return verified_user_token()

    def set(self, case, token, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@schemathesis.auth().apply_to(path_regex=MODERATION_PATHS)
class SignedInModerator:
    def get(self, case, context) -> str:
        return os.environ["CONTRACT_STAFF_COOKIE"]

    def set(self, case, cookie, context) -> None:
        case.headers = {**(case.headers or {}), "Cookie": cookie}
