"""CORS for the API: the pages of MedShare's own H5 origin and of each active partner's
registered origins may call it from a browser; nobody else's.

The origins come from the database (cached per worker for CORS_ORIGINS_CACHE_SECONDS), so a new
partner works without a restart. Written here rather than with flask-cors, which fixes its
origins when the app starts. A request without Origin gets no CORS headers; credentials are
never allowed across origins (the API takes bearer tokens, and the review page's cookie must
never ride along).
"""

import time

from flask import Flask, current_app, request

from app.limits.limiter import RATE_LIMIT_HEADERS
from app.partners import service

API_PREFIX = "/api/"
EXTENSION = "medshare_cors_origins"
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PATCH", "DELETE")
ALLOWED_HEADERS = (
    "Accept-Language",
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "X-Api-Key",
    "X-Request-ID",
)
EXPOSED_HEADERS = (
    "Content-Language",
    "Idempotent-Replayed",
    "Location",
    "Retry-After",
    "X-Request-ID",
    *RATE_LIMIT_HEADERS,
)


class _Cached:
    """One worker's copy of the allowed origins, and until when (time.monotonic) it holds."""

    def __init__(self):
        self.origins: frozenset[str] = frozenset()
        self.until = 0.0


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = _Cached()
    app.after_request(_cors_headers)


def allowed_origins() -> frozenset[str]:
    """H5_ORIGIN and every active partner's registered origins."""
    cached: _Cached = current_app.extensions[EXTENSION]
    now = time.monotonic()
    if now >= cached.until:
        cached.origins = frozenset({current_app.config["H5_ORIGIN"], *service.active_origins()})
        cached.until = now + current_app.config["CORS_ORIGINS_CACHE_SECONDS"]
    return cached.origins


def _cors_headers(response):
    if not request.path.startswith(API_PREFIX):
        return response
    # The answer depends on Origin, whether or not this one had it: caches must keep them apart.
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin is None or origin not in allowed_origins():
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    requested_method = request.headers.get("Access-Control-Request-Method")
    if request.method == "OPTIONS" and requested_method is not None:
        response.headers["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
        response.headers["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
        response.headers["Access-Control-Max-Age"] = str(current_app.config["CORS_MAX_AGE_SECONDS"])
    else:
        response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
    return response
