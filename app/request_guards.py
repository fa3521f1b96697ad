"""Checks on a request's body that run before any view reads it."""

import io

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

API_PREFIX = "/api/"
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    app.before_request(_refuse_oversized_body)
    app.before_request(_refuse_non_json_api_body)


def _refuse_oversized_body() -> None:
    limit = request.max_content_length
    if limit is None:
        return
    declared = request.content_length
    if declared is not None:
        # Refused before a byte is read.
        if declared > limit:
            raise RequestEntityTooLarge()
        return
    if "wsgi.input_terminated" in request.environ:
        # A chunked body declares no length. Werkzeug would silently cut it at the limit, so read
        # at most one byte past the limit here and refuse it whole instead of parsing half of it.
        raw = request.environ["wsgi.input"].read(limit + 1)
        if len(raw) > limit:
            raise RequestEntityTooLarge()
        request.environ["wsgi.input"] = io.BytesIO(raw)
        request.environ["CONTENT_LENGTH"] = str(len(raw))


def _refuse_non_json_api_body() -> None:
    # An unknown route or a wrong method answers 404 or 405 first, whatever the body.
    if (
        request.routing_exception is None
        and request.path.startswith(API_PREFIX)
        and request.method in METHODS_WITH_BODY
        and _has_body()
        and not request.is_json
    ):
        raise UnsupportedMediaType()


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
