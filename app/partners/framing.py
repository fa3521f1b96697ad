"""Who may frame MedShare's pages: nobody, by default, on every response.

The H5 pages (a later issue) are the exception: they may be framed by exactly the registered
origins of the partner their URL names, through frame_ancestors_for_key.
"""

from flask import Flask

from app.partners import service
from app.partners.service import CallingPartner

NOBODY = "'none'"
FRAME_ANCESTORS = "frame-ancestors"


def init_app(app: Flask) -> None:
    app.after_request(_frame_nobody_unless_told)


def frame_ancestors(partner: CallingPartner | None) -> str:
    """The frame-ancestors sources for a page this partner may frame: its registered origins,
    or 'none' without a partner or origins."""
    if partner is None or not partner.origins:
        return NOBODY
    return " ".join(partner.origins)


def frame_ancestors_for_key(text: str | None) -> str:
    """frame_ancestors of the partner a public embed key names ('none' for anything but a
    working public key). A page sets it as
    `Content-Security-Policy: frame-ancestors <this>`, and the default below then stays away."""
    return frame_ancestors(service.embedding_partner(text))


def _frame_nobody_unless_told(response):
    policy = response.headers.get("Content-Security-Policy")
    if policy is not None and FRAME_ANCESTORS in policy:
        return response
    directive = f"{FRAME_ANCESTORS} {NOBODY}"
    response.headers["Content-Security-Policy"] = f"{policy}; {directive}" if policy else directive
    # For browsers older than frame-ancestors.
    response.headers["X-Frame-Options"] = "DENY"
    return response
