"""Which partner an API request comes through: its X-Api-Key, checked before anything else.

- A secret server key stands for the partner's back end: it is refused when a browser sends it
  (any Origin header), since a secret in a page is a secret no more.
- A public embed key may sit in a page: it is valid only from a page of one of the partner's
  registered origins, for reads; and from MedShare's own H5 origin (H5_ORIGIN), whose page acts
  for the partner named in its URL, for that page's writes too. A public key identifies; it
  never authorises (a user's token does).
"""

import functools

from flask import Flask, current_app, g, request

from app import request_log
from app.errors import DomainError
from app.partners import service
from app.partners.service import CallingPartner
from app.request_kind import WRITE, category

API_KEY_HEADER = "X-Api-Key"
API_PREFIX = "/api/"
API_KEY_SCHEME = "apiKeyAuth"
API_KEY_DOC = (
    "A partner's key, `msk_<live|test>_<public id>_<secret>`: any call may carry one, and is "
    "then counted against the partner's tier and attributed to it (posts made so carry its "
    "channel). A public embed key works only from pages of the partner's registered origins "
    "(the Origin header), for reads, and from MedShare's own H5 pages; a secret server key "
    "is refused whenever a browser Origin comes with it."
)


class SecretKeyFromBrowser(DomainError):
    code = "secret_key_from_browser"


class OriginNotAllowed(DomainError):
    code = "origin_not_allowed"


class PublicKeyReadOnly(DomainError):
    code = "public_key_read_only"


class SecretKeyRequired(DomainError):
    code = "secret_key_required"


def init_app(app: Flask, api) -> None:
    app.before_request(_identify_partner)
    api.spec.components.security_scheme(
        API_KEY_SCHEME,
        {"type": "apiKey", "in": "header", "name": API_KEY_HEADER, "description": API_KEY_DOC},
    )


def secret_key_only(bp):
    """Serve only a partner's server (a secret key), and say so in the OpenAPI document."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            require_secret_key()
            return view(*args, **kwargs)

        guarded = bp.doc(security=[{API_KEY_SCHEME: []}])(guarded)
        guarded = bp.alt_response(403, response="FORBIDDEN")(guarded)
        return bp.alt_response(401, response="UNAUTHORIZED")(guarded)

    return decorate


def current_partner() -> CallingPartner | None:
    """The partner of the current request, or None for a call without a key."""
    return g.get("partner")


def current_partner_id() -> int | None:
    """The id of the current request's partner (a post's channel), or None."""
    partner = current_partner()
    return partner.partner_id if partner is not None else None


def require_secret_key() -> CallingPartner:
    """The partner of a call only its server may make.

    Raises:
        SecretKeyRequired: no key, or a public one.
    """
    partner = current_partner()
    if partner is None or partner.key_kind != "secret":
        raise SecretKeyRequired
    return partner


def page_origin() -> str | None:
    """The origin of the page a browser request comes from.

    Browsers send Origin on every cross-origin request and every same-origin write; a same-origin
    read (a GET from the H5 page to its own origin) comes without one but with
    Sec-Fetch-Site: same-origin, and its origin is then the request's own.
    """
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return request.host_url.rstrip("/")
    return None


def refuse_unusable_key() -> None:
    """Answer a key _identify_partner refused; run after the limiter, which counted the call
    against its address like any other."""
    if "partner_refusal" in g:
        raise g.partner_refusal


def _identify_partner() -> None:
    text = request.headers.get(API_KEY_HEADER)
    if text is None or not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
        return
    try:
        g.partner = _usable_partner(text)
    except DomainError as refusal:
        g.partner_refusal = refusal
        return
    request_log.name_partner(g.partner.key_public_id)


def _usable_partner(text: str) -> CallingPartner:
    partner = service.authenticate(text)
    if partner.key_kind == "secret":
        if "Origin" in request.headers:
            raise SecretKeyFromBrowser
    else:
        origin = page_origin()
        from_h5 = origin is not None and origin == current_app.config["H5_ORIGIN"]
        if not from_h5 and origin not in partner.origins:
            raise OriginNotAllowed
        if category() == WRITE and not from_h5:
            raise PublicKeyReadOnly
    return partner
