"""Checks on a request's size and body that run before any view reads it.

The request line and headers have limits of the app's own (MAX_REQUEST_LINE_BYTES,
MAX_HEADER_BYTES, MAX_HEADER_COUNT), below Granian's, so that what goes past them gets a
problem+json answer naming the limit. Granian's own, further out, answer by themselves with an
empty body: 414 for a request target of 64 KiB or more, 431 for more than 100 headers, and the
connection closed for a head beyond its 408 KiB buffer.
"""

import io

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from app.errors import DomainError, FieldsInvalid

API_PREFIX = "/api/"
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestLineTooLong(DomainError):
    code = "request_line_too_long"


class HeadersTooLarge(DomainError):
    code = "headers_too_large"


def init_app(app: Flask) -> None:
    app.before_request(_refuse_oversized_head)
    app.before_request(_refuse_oversized_body)
    app.before_request(_refuse_non_json_api_body)
    app.before_request(_refuse_nul_characters)


def _refuse_oversized_head() -> None:
    config = current_app.config
    environ = request.environ
    # The request target as sent: the raw path (servers that give it) and the query string
    # (raw in WSGI); not every server puts the query in RAW_URI.
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    path = raw_uri.partition("?")[0] or environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    target = len(path) + (1 + len(query) if query else 0)
    if len(request.method) + 1 + target > config["MAX_REQUEST_LINE_BYTES"]:
        raise RequestLineTooLong(limit=config["MAX_REQUEST_LINE_BYTES"])
    headers = list(request.headers.items())
    size = sum(len(name) + len(value) + 4 for name, value in headers)
    if len(headers) > config["MAX_HEADER_COUNT"] or size > config["MAX_HEADER_BYTES"]:
        raise HeadersTooLarge(count=config["MAX_HEADER_COUNT"], limit=config["MAX_HEADER_BYTES"])


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


NUL = "\x00"
NUL_IN_TEXT = "Text may not contain the NUL character."


def _refuse_nul_characters() -> None:
    """No text we keep or look up may hold NUL: PostgreSQL refuses it, and nobody types it.

    Caught here, once for every query string, form and JSON body, so that it is a field error
    and never reaches the database driver as a 500.
    """
    if request.routing_exception is not None:
        return
    fields = [name for name, value in request.args.items(multi=True) if NUL in name + value]
    if request.method in METHODS_WITH_BODY:
        if request.is_json:
            fields += _nul_paths(request.get_json(silent=True))
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields += [
                name for name, value in request.form.items(multi=True) if NUL in name + value
            ]
    if fields:
        raise FieldsInvalid(errors={field: [NUL_IN_TEXT] for field in fields})


def _nul_paths(value, path: str = "") -> list[str]:
    """Dotted paths ("items.0.note") of the strings in a JSON value that hold NUL."""
    if isinstance(value, str):
        return [path or "_body"] if NUL in value else []
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return []
    found = []
    for key, child in children:
        if NUL in str(key):
            found.append(f"{path}.{key}" if path else str(key))
        found += _nul_paths(child, f"{path}.{key}" if path else str(key))
    return found
