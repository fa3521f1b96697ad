"""One JSON log line per request, and JSON logging for everything else the app says.

Only the route template is logged, never the path or query string: those carry coordinates and ids.
"""

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from moderation.masking import redact_personal_data

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's request id is kept only when it cannot smuggle data or break a log line.
ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNMATCHED_ROUTE = "<unmatched>"
REQUEST_ID_BYTES = 16
HTTP_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
request_logger = logging.getLogger("medshare.request")


class JsonFormatter(logging.Formatter):
    """Formats records as one JSON object per line, with personal data redacted as a last guard."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": (
                record.getMessage()
                if getattr(record, "vetted", False)
                else redact_personal_data(record.getMessage())
            ),
        }
        fields = getattr(record, "fields", {})
        if getattr(record, "vetted", False):
            # Values checked where they were made (the request line's): redacting them again
            # took a tenth of a square request's CPU.
            entry.update(fields)
        else:
            entry.update(
                (name, redact_personal_data(value) if isinstance(value, str) else value)
                for name, value in fields.items()
            )
        if has_request_context() and "request_id" in g:
            # Lines a request's services write (SMS, WeChat, audit) join up with its request line.
            entry.setdefault("request_id", g.request_id)
        if record.exc_info:
            entry["exception"] = redact_personal_data(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    medshare_logger = logging.getLogger("medshare")
    medshare_logger.handlers[:] = [handler]
    medshare_logger.setLevel(app.config["LOG_LEVEL"])
    medshare_logger.propagate = False
    app.logger.handlers[:] = [handler]
    app.before_request(_start_request)
    app.after_request(_finish_request)


def name_partner(public_id: str) -> None:
    """Name on the request line the partner the request came through: its key's public id
    (letters only, made by us), never the key's secret."""
    g.request_log_partner = public_id


def _start_request() -> None:
    g.started_at = time.perf_counter()
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    acceptable = ACCEPTABLE_REQUEST_ID.match(offered) and redact_personal_data(offered) == offered
    g.request_id = offered if acceptable else new_request_id()


def new_request_id() -> str:
    """A random request id.

    URL-safe base64 rather than hex: eleven digits in a row, which would look like a phone number
    to anyone scanning the logs, are then about a billion times less likely.
    """
    return secrets.token_urlsafe(REQUEST_ID_BYTES)


def _finish_request(response):
    response.headers[REQUEST_ID_HEADER] = g.request_id
    # Every value is safe by construction, so the formatter need not redact the line (vetted):
    # the request id was checked or made in _start_request, the route is our own template, a
    # method outside HTTP's own is redacted here, and a partner's key id is ours.
    method = request.method
    fields = {
        "request_id": g.request_id,
        "method": method if method in HTTP_METHODS else redact_personal_data(method),
        "route": request.url_rule.rule if request.url_rule else UNMATCHED_ROUTE,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.started_at) * 1000, 2),
    }
    if "request_log_partner" in g:
        fields["partner"] = g.request_log_partner
    request_logger.info("request", extra={"vetted": True, "fields": fields})
    return response
