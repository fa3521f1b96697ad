"""Who may frame MedShare's pages: nobody, by default, on every response.

The H5 pages are the exception: they may be framed by exactly the registered origins of the
partner their URL names (app.h5.embedding), through frame_ancestors.
"""

from flask import Flask

from app.partners.service import CallingPartner

NOBODY = "'none'"
FRAME_ANCESTORS = "frame-ancestors"


def init_app(app: Flask) -> None:
    app.after_request(_frame_nobody_unless_told)


def frame_ancestors(partner: CallingPartner | None) -> str:
    """The frame-ancestors sources for a page this partner may frame: its registered origins,
    or 'none' without a partner or origins. A page sets it as
    `Content-Security-Policy: frame-ancestors <this>`, and the default below then stays away."""
    if partner is None or not partner.origins:
        return NOBODY
    return " ".join(partner.origins)


def _frame_nobody_unless_told(response):
    policy = response.headers.get("Content-Security-Policy")
    if policy is not None and FRAME_ANCESTORS in policy:
        return response
    directive = f"{FRAME_ANCESTORS} {NOBODY}"
    response.headers["Content-Security-Policy"] = f"{policy}; {directive}" if policy else directive
    # For browsers older than frame-ancestors.
    response.headers["X-Frame-Options"] = "DENY"
    return response
