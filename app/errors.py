"""The one place where every error becomes an answer: RFC 9457 problem+json for the API, a
rendered page (same texts, same language) under the review page's prefix.

Services raise DomainError subclasses; Flask and webargs raise HTTPExceptions; anything else is a
bug and answers 500 after the session is rolled back.
"""

import json as std_json
import logging
import math

from flask import Flask, current_app, g, json, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.i18n import (
    content_language,
    negotiate_locale,
    problem_status,
    problem_text,
    translate_field_error,
)
from app.openapi import PROBLEM_CONTENT_TYPE

PROBLEM_TYPE_PREFIX = "tag:medshare,2026:problem:"
ERROR_PAGES = "medshare_error_pages"
log = logging.getLogger("medshare.errors")

# HTTP statuses raised by Flask, Werkzeug or webargs, and the problem code each answers with.
HTTP_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}
# Headers an HTTPException carries that the client needs (Allow on 405, Retry-After on 429/503).
FORWARDED_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class DomainError(Exception):
    """A rule of the service was broken. Subclasses name the problem code from messages.yaml.

    Args:
        errors: field name -> messages, for problems about particular fields.
        headers: response headers the client needs (Retry-After, WWW-Authenticate).
        **params: values for the placeholders in the problem's detail text.
    """

    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(
        self,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        **params,
    ):
        super().__init__(self.code)
        self.errors = errors
        self.headers = headers or self.headers
        self.params = params


def refusal_text(error: DomainError) -> str:
    """A service's refusal in one line of English naming each bad field, for commands."""
    fields = list(error.errors or {})
    _title, detail = problem_text(error.code, "en", fields=fields, **error.params)
    for field, messages in (error.errors or {}).items():
        detail += f" {field}: {' '.join(messages)}"
    return detail


class FieldsInvalid(DomainError):
    """Fields broke a rule only a service can check; `errors` names each field."""

    code = "validation_failed"


class TryAgainLater(DomainError):
    """A limit was reached. Retry-After gives clients the exact seconds; the detail text may
    say {minutes} or {hours}, rounded up, for people.

    Args:
        retry_after: seconds until asking again may succeed.
    """

    def __init__(self, retry_after: int, **params):
        super().__init__(
            headers={"Retry-After": str(retry_after)},
            minutes=math.ceil(retry_after / 60),
            hours=math.ceil(retry_after / 3600),
            **params,
        )


class ServiceNotReady(DomainError):
    code = "service_unavailable"


def init_app(app: Flask) -> None:
    app.extensions[ERROR_PAGES] = {}
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    # What psycopg2 raises when the server is restarting, stopped or dropped the connection
    # (also a statement timeout or a deadlock): the request may succeed if sent again.
    app.register_error_handler(OperationalError, _handle_database_unavailable)
    app.register_error_handler(InterfaceError, _handle_database_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)


def render_as_pages(app: Flask, url_prefix: str, template: str) -> None:
    """Answer errors of requests under url_prefix with this HTML template, not problem+json.

    The path decides, not the blueprint: an unknown page under the prefix has no blueprint.
    The template gets code, status, title, detail and request_id.
    """
    app.extensions[ERROR_PAGES][f"{url_prefix}/"] = template


def problem_response(code, *, status=None, errors=None, headers=None, **params):
    """Build the problem+json response for a problem code in the request's language."""
    locale = negotiate_locale()
    if errors:
        params.setdefault("fields", list(errors))
    title, detail = problem_text(code, locale, **params)
    status = status or problem_status(code)
    body = {
        "type": PROBLEM_TYPE_PREFIX + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if "request_id" in g:
        body["request_id"] = g.request_id
    if errors:
        body["errors"] = {
            field: [translate_field_error(message, locale) for message in messages]
            for field, messages in errors.items()
        }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_CONTENT_TYPE
    )
    response.headers["Content-Language"] = content_language(locale)
    response.headers.extend(headers or {})
    return response


def _answer(code, *, status=None, errors=None, headers=None, **params):
    """The answer to an error: a page under a prefix given to render_as_pages, else a problem."""
    template = next(
        (
            template
            for prefix, template in current_app.extensions[ERROR_PAGES].items()
            if request.path.startswith(prefix)
        ),
        None,
    )
    if template is None:
        return problem_response(code, status=status, errors=errors, headers=headers, **params)
    return _error_page(template, code, status=status, headers=headers, **params)


def _error_page(template, code, *, status=None, headers=None, **params):
    locale = negotiate_locale()
    title, detail = problem_text(code, locale, **params)
    status = status or problem_status(code)
    page = render_template(
        template,
        code=code,
        status=status,
        title=title,
        detail=detail,
        request_id=g.get("request_id"),
    )
    response = current_app.response_class(page, status=status, mimetype="text/html")
    response.headers["Content-Language"] = content_language(locale)
    response.headers.extend(headers or {})
    return response


def flatten_field_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"items.0.quantity": [...]}, one key per field."""
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {prefix or "_body": messages}
    if isinstance(messages, str):
        return {prefix or "_body": [messages]}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    flat: dict[str, list[str]] = {}
    for key, value in items:
        for field, field_messages in flatten_field_errors(
            value, f"{prefix}.{key}" if prefix else str(key)
        ).items():
            flat.setdefault(field, []).extend(field_messages)
    return flat


def _handle_domain_error(error: DomainError):
    return _answer(error.code, errors=error.errors, headers=error.headers, **error.params)


def _handle_http_exception(error: HTTPException):
    if error.code == 500:
        return _handle_unexpected(getattr(error, "original_exception", None) or error)
    data = getattr(error, "data", None) or {}
    if isinstance(getattr(error, "exc", None), std_json.JSONDecodeError | UnicodeDecodeError):
        # webargs could not decode the body it was asked to parse.
        return _answer("malformed_json")
    if isinstance(error, CSRFError):
        code = "csrf_failed"
    else:
        code = HTTP_STATUS_CODES.get(
            error.code, "bad_request" if error.code < 500 else "internal_error"
        )
    headers = {name: value for name, value in error.get_headers() if name in FORWARDED_HEADERS}
    errors = None
    if "messages" in data:
        # webargs nests messages under the location (json, query...); the field is what matters.
        errors = {}
        for location_messages in data["messages"].values():
            for field, messages in flatten_field_errors(location_messages).items():
                errors.setdefault(field, []).extend(messages)
    return _answer(
        code,
        status=error.code,
        errors=errors,
        headers=headers,
        method=request.method,
        limit=current_app.config["MAX_CONTENT_LENGTH"],
    )


def _handle_database_unavailable(error: SQLAlchemyError):
    log.warning(
        "database unavailable",
        extra={
            "fields": {
                "event": "database.unavailable",
                "error": type(getattr(error, "orig", None) or error).__name__,
                "connection_invalidated": getattr(error, "connection_invalidated", False),
            }
        },
    )
    _roll_back()
    retry = current_app.config["DATABASE_RETRY_AFTER_SECONDS"]
    return _answer("database_unavailable", headers={"Retry-After": str(retry)}, seconds=retry)


def _roll_back() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        # The connection itself may be what failed; the answer must still be a problem.
        log.exception("rollback after a failed request failed")


def _handle_unexpected(error: BaseException):
    if not isinstance(error, InternalServerError):
        log.error("unhandled error", exc_info=error)
    _roll_back()
    return _answer("internal_error")
