"""Who may frame MedShare's pages: nobody, by default (app.security_headers says so on every
response).

The H5 pages are the exception: they may be framed by exactly the registered origins of the
partner their URL names (app.h5.embedding), through frame_ancestors.
"""

from app.partners.service import CallingPartner
from app.security_headers import NOBODY


def frame_ancestors(partner: CallingPartner | None) -> str:
    """The frame-ancestors sources for a page this partner may frame: its registered origins,
    or 'none' without a partner or origins. A page sets it in its Content-Security-Policy's
    frame-ancestors, and app.security_headers then leaves framing alone."""
    if partner is None or not partner.origins:
        return NOBODY
    return " ".join(partner.origins)
