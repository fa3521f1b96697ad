"""Which partner an API request comes through: its X-Api-Key, checked before anything else.

- A secret server key stands for the partner's back end: it is refused when a browser sends it
  (any Origin header), since a secret in a page is a secret no more.
- A public embed key may sit in a page: it is valid only from a page of one of the partner's
  registered origins, for reads; and from MedShare's own H5 origin (H5_ORIGIN), whose page acts
  for the partner named in its URL, for that page's writes too. A public key identifies; it
  never authorises (a user's token does).
- X-Partner is how MedShare's own H5 page names that partner: the public id of the partner's
  public embed key (its ?partner=), never a secret, which a page of ours could not keep. It is
  accepted only from a page of H5_ORIGIN and only while that key works; the partner it names is
  then the request's, as with the key itself. A request naming a partner both ways is refused
  rather than one way chosen for it.
"""

import functools

from flask import Flask, current_app, g, request

from app import request_log
from app.errors import DomainError
from app.partners import service
from app.partners.service import CallingPartner
from app.request_kind import WRITE, category

API_KEY_HEADER = "X-Api-Key"
PARTNER_HEADER = "X-Partner"
API_PREFIX = "/api/"
API_KEY_SCHEME = "apiKeyAuth"
PARTNER_SCHEME = "partnerLink"
API_KEY_DOC = (
    "A partner's key, `msk_<live|test>_<public id>_<secret>`: any call may carry one, and is "
    "then counted against the partner's tier and attributed to it (posts made so carry its "
    "channel). A public embed key works only from pages of the partner's registered origins "
    "(the Origin header), for reads, and from MedShare's own H5 pages; a secret server key "
    "is refused whenever a browser Origin comes with it."
)
PARTNER_DOC = (
    "The partner MedShare's own H5 page acts for: the public id of the partner's public embed "
    "key (`msk_<live|test>_<public id>_<secret>`), as the page's `?partner=` gives it, never "
    "the secret. Accepted only from pages of the H5 origin (the Origin header, or "
    "Sec-Fetch-Site: same-origin on a same-origin read) and only while that key works: its "
    "partner is then the call's, as with X-Api-Key (channel, preset region, tier, log). An "
    "unknown, revoked, expired or secret key's id, or a suspended partner's, is refused (422 "
    "`partner_link_invalid`), as is X-Partner from any other page (403 "
    "`partner_link_not_from_h5`) and X-Partner with X-Api-Key (400 `partner_named_twice`)."
)
TWICE = f"Send {API_KEY_HEADER} or {PARTNER_HEADER}, not both."


class SecretKeyFromBrowser(DomainError):
    code = "secret_key_from_browser"


class OriginNotAllowed(DomainError):
    code = "origin_not_allowed"


class PublicKeyReadOnly(DomainError):
    code = "public_key_read_only"


class SecretKeyRequired(DomainError):
    code = "secret_key_required"


class PartnerLinkInvalid(DomainError):
    """X-Partner names no working public embed key: one answer for every reason."""

    code = "partner_link_invalid"


class PartnerLinkNotFromH5(DomainError):
    code = "partner_link_not_from_h5"


class PartnerNamedTwice(DomainError):
    code = "partner_named_twice"

    def __init__(self):
        super().__init__(errors={PARTNER_HEADER: [TWICE]})


def init_app(app: Flask, api) -> None:
    app.before_request(_identify_partner)
    api.spec.components.security_scheme(
        API_KEY_SCHEME,
        {"type": "apiKey", "in": "header", "name": API_KEY_HEADER, "description": API_KEY_DOC},
    )
    api.spec.components.security_scheme(
        PARTNER_SCHEME,
        {"type": "apiKey", "in": "header", "name": PARTNER_HEADER, "description": PARTNER_DOC},
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
    key = request.headers.get(API_KEY_HEADER)
    linked = request.headers.get(PARTNER_HEADER)
    if key is None and linked is None:
        return
    if not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
        return
    try:
        if key is not None and linked is not None:
            raise PartnerNamedTwice
        g.partner = _usable_partner(key) if key is not None else _linked_partner(linked)
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
        from_h5 = _is_h5(origin)
        if not from_h5 and origin not in partner.origins:
            raise OriginNotAllowed
        if category() == WRITE and not from_h5:
            raise PublicKeyReadOnly
    return partner


def _linked_partner(public_id: str) -> CallingPartner:
    if not _is_h5(page_origin()):
        raise PartnerLinkNotFromH5
    partner = service.linked_partner(public_id)
    if partner is None:
        raise PartnerLinkInvalid
    return partner


def _is_h5(origin: str | None) -> bool:
    return origin is not None and origin == current_app.config["H5_ORIGIN"]
