"""The API's rate limiter: Flask-Limiter with its counters in Redis, limits from config.

Flask-Limiter counts; this module decides who is counted (callers.py), answers with RFC 9457
problems and RateLimit-* headers, and keeps the API up when Redis is not: reads go on without a
limit (logged), writes that need one answer 503 with Retry-After. Each application gets its own
limiter, as Flask-Limiter keeps its storage on the instance.
"""

import logging
import math
import time

from flask import Flask, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.errors import RateLimitExceeded
from limits import parse_many
from limits.errors import StorageError

from app.errors import TryAgainLater
from app.limits import callers
from app.partners.context import current_partner
from app.request_kind import READ, WRITE, category

log = logging.getLogger("medshare.limits")
API_PREFIX = "/api/"
# Probes answer load balancers and orchestrators, however often they ask; the document and the
# docs page are static files.
UNLIMITED_BLUEPRINTS = frozenset({"health", "api-docs", "swagger_ui_assets"})
EXTENSION = "medshare_limiter"
UNMATCHED = "<unmatched>"
LIMIT_SETTINGS = {
    "address": {READ: "RATE_LIMIT_ADDRESS_READS", WRITE: "RATE_LIMIT_ADDRESS_WRITES"},
    "user": {READ: "RATE_LIMIT_USER_READS", WRITE: "RATE_LIMIT_USER_WRITES"},
}
HEADER_LIMIT = "RateLimit-Limit"
HEADER_REMAINING = "RateLimit-Remaining"
HEADER_RESET = "RateLimit-Reset"
HEADER_POLICY = "RateLimit-Policy"
RATE_LIMIT_HEADERS = (HEADER_LIMIT, HEADER_REMAINING, HEADER_RESET, HEADER_POLICY)


class RateLimitsUnavailable(TryAgainLater):
    """Redis, where limits are counted, cannot be reached: a write is refused rather than let
    through uncounted."""

    code = "rate_limits_unavailable"


class ApiLimiter(Limiter):
    """Flask-Limiter, told what to do when its store fails instead of failing the request."""

    def __init__(self, app: Flask, **kwargs):
        super().__init__(**kwargs)
        # time.monotonic() until which this worker does not try Redis again.
        self.store_down_until = 0.0
        self.init_app(app)

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        if time.monotonic() < self.store_down_until:
            self._without_store()
            return
        try:
            super()._check_request_limit(callable_name, in_middleware)
        except RateLimitExceeded:
            raise
        except StorageError as error:
            retry = current_app.config["RATE_LIMIT_STORE_RETRY_SECONDS"]
            self.store_down_until = time.monotonic() + retry
            log.warning(
                "rate limit store unreachable: reads go on without limits, writes answer 503",
                extra={
                    "fields": {
                        "event": "rate_limits.store_down",
                        "error": repr(error.storage_error),
                        "retry_seconds": retry,
                    }
                },
            )
            self.context.reset()
            self._without_store()

    def _without_store(self) -> None:
        if category() == WRITE:
            retry = current_app.config["RATE_LIMIT_STORE_RETRY_SECONDS"]
            raise RateLimitsUnavailable(retry, seconds=retry)
        g.rate_limits_skipped = True


def init_app(app: Flask) -> ApiLimiter:
    """Count every API request against each name its caller has, and say so in its answer."""
    timeout = app.config["RATE_LIMIT_STORE_TIMEOUT_MS"] / 1000
    limiter = ApiLimiter(
        app,
        key_func=callers.address_key,
        application_limits=[
            _limit(_address_limits, callers.address_key),
            _limit(_user_limits, callers.user_key),
            _limit(_partner_limits, _partner_key),
        ],
        storage_options={
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            "wrap_exceptions": True,
        },
        # Headers are written here (after_request below), in the RateLimit-* fields.
        headers_enabled=False,
        # Flask-Limiter skips requests without an endpoint; paths nobody serves are counted too.
        request_identifier=lambda: request.endpoint or UNMATCHED,
    )
    limiter.request_filter(_unlimited)
    app.extensions[EXTENSION] = limiter
    app.after_request(_rate_limit_headers)
    return limiter


def _limit(limits_for, key_function) -> ApplicationLimit:
    """A limit counted per key_function() across every endpoint, reads and writes apart.

    limits_for() names the limits of this request, or "" (none) when they do not apply to it.
    """
    return ApplicationLimit(
        limit_provider=limits_for,
        key_function=key_function,
        scope=lambda _endpoint: category(),
    )


def _setting(kind: str) -> str:
    return current_app.config[LIMIT_SETTINGS[kind][category()]]


def _address_limits() -> str:
    return "" if _server_of_a_partner() else _setting("address")


def _user_limits() -> str:
    return "" if callers.user_key() is None else _setting("user")


def _server_of_a_partner() -> bool:
    """A secret key comes from the partner's server, on behalf of its many users: its tier
    limits it, not the one address all its calls share."""
    partner = current_partner()
    return partner is not None and partner.key_kind == "secret"


def _partner_key() -> str:
    # Per partner, not per key: rotating a key keeps its count.
    return f"partner:{current_partner().partner_id}"


def _partner_limits() -> str:
    tiers = current_app.config["RATE_LIMIT_TIERS"]
    partner = current_partner()
    if partner is None:
        return ""
    # A tier since taken out of config: the default tier's limits rather than none.
    tier = tiers.get(partner.tier) or tiers[current_app.config["PARTNER_DEFAULT_TIER"]]
    return tier[category()]


def _unlimited() -> bool:
    return (
        not request.path.startswith(API_PREFIX)
        or request.method == "OPTIONS"
        or request.blueprint in UNLIMITED_BLUEPRINTS
    )


def _rate_limit_headers(response):
    """RateLimit-* of the tightest limit the request counted against (the one breached, on a
    429), and Retry-After on a 429."""
    limiter: ApiLimiter = current_app.extensions[EXTENSION]
    counted = limiter.current_limits
    if not counted:
        return response
    try:
        breached = [limit for limit in counted if limit.breached]
        shown = breached[0] if breached else min(counted, key=lambda limit: limit.remaining)
        reset_at, remaining = shown.window
        reset_in = max(0, math.ceil(reset_at - time.time()))
        remaining = max(0, remaining)
    except StorageError:
        log.warning("rate limit store unreachable while writing RateLimit headers", exc_info=True)
        return response
    item = shown.limit
    response.headers[HEADER_LIMIT] = str(item.amount)
    response.headers[HEADER_REMAINING] = str(remaining)
    response.headers[HEADER_RESET] = str(reset_in)
    response.headers[HEADER_POLICY] = f"{item.amount};w={item.get_expiry()}"
    if breached:
        response.headers["Retry-After"] = str(max(1, reset_in))
    return response


def parsed_limits(value: str) -> list:
    """The limits a setting names; raises ValueError when it names none or cannot be read."""
    items = parse_many(value)
    if not items:
        raise ValueError(value)
    return items
