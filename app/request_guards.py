"""Checks on a request's body that run before any view reads it."""

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

API_PREFIX = "/api/"
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    app.before_request(_refuse_oversized_body)
    app.before_request(_refuse_non_json_api_body)


def _refuse_oversized_body() -> None:
    # A declared length over the limit is refused before a byte is read. A chunked body has no
    # declared length; Werkzeug's limited stream stops it at the limit while it is being read.
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()


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
