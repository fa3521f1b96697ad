"""The security headers every response carries, written in one place after every other.

- Content-Security-Policy: a page that set its own policy keeps it (the review page, the
  statistics pages, the H5 page, whose frame-ancestors app.h5.embedding chooses); the API docs
  page gets one allowing its files and its one inline script, by hash; every other response
  (JSON, assets, errors) gets `default-src 'none'`. Whoever may frame a page said so in its
  policy's frame-ancestors; a policy without one gets `frame-ancestors 'none'` (and, for older
  browsers, X-Frame-Options: DENY).
- X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer, unless a page chose.
- Strict-Transport-Security where HSTS_SECONDS is set (production).
"""

import base64
import hashlib
import re

from flask import Flask, current_app, request

POLICY = "Content-Security-Policy"
NOBODY = "'none'"
FRAME_ANCESTORS = "frame-ancestors"
# Nothing at all: what a JSON answer or a file needs if a browser ever renders it.
DEFAULT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'"
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"
# Swagger UI: its files from here, its inline start-up script by hash, the document and "try it
# out" to this origin, WeUI-style data: icons.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' {scripts}; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def init_app(app: Flask) -> None:
    # Registered first, so it runs last: after_request functions run in reverse order.
    app.after_request_funcs.setdefault(None, []).insert(0, _security_headers)


def _security_headers(response):
    policy = response.headers.get(POLICY) or _policy_for(response)
    if FRAME_ANCESTORS not in policy:
        policy = f"{policy}; {FRAME_ANCESTORS} {NOBODY}"
        response.headers["X-Frame-Options"] = "DENY"
    response.headers[POLICY] = policy
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts:
        response.headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
    return response


def _policy_for(response) -> str:
    if request.endpoint != DOCS_ENDPOINT or response.direct_passthrough:
        return DEFAULT_POLICY
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(response.get_data())
    ]
    return DOCS_POLICY.format(scripts=" ".join(hashes))
