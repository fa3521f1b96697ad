"""The H5 square's page and its built assets, at /h5/.

One page, built by `make` from app/h5/web/ into app/h5/web/dist/ (git-ignored): plain ES modules
bundled by esbuild, WeUI's stylesheet, nothing from a CDN and no inline script. The page talks to
the public API only; its views live in the URL's #fragment, so the page's own URL, which WeChat's
JS-SDK signs, stays the same while the reader moves about.
"""

import functools
import hashlib
import os

from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory

from app.errors import DomainError
from app.h5.embedding import frame_ancestors
from app.h5_origin import H5_PREFIX
from app.i18n import locale_page_text

WEB_DIR = os.path.join(os.path.dirname(__file__), "web")
BUILD_DIR = os.path.join(WEB_DIR, "dist")
ENTRY_SCRIPT = "app.js"
LANGUAGES = {"zh": "zh-CN", "en": "en"}
ERROR_TEMPLATE = "h5/error.html"

bp = Blueprint("h5", __name__, url_prefix=H5_PREFIX.rstrip("/"), template_folder="templates")


def _policy(ancestors: str) -> str:
    # img-src data: for WeUI's inline SVG icons; everything else only from this origin.
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )


@bp.after_app_request
def _page_headers(response):
    # App-wide, so that errors under the prefix (an unknown path has no blueprint) get them.
    if request.path == bp.url_prefix or request.path.startswith(H5_PREFIX):
        response.headers["Content-Security-Policy"] = _policy(
            frame_ancestors(request.args.get("partner"))
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("")
def without_slash():
    query = request.query_string.decode()
    return redirect(H5_PREFIX + (f"?{query}" if query else ""), code=308)


@bp.route("/")
def page():
    """The page, in the language of ?lang= (Chinese unless it says en)."""
    language = page_locale()
    html = render_template(
        "h5/page.html", html_lang=LANGUAGES[language], language=language, build=build_id()
    )
    response = current_app.response_class(html, mimetype="text/html")
    # The page is the same for everyone; what changes is its assets' version, in the URL.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/assets/<path:name>")
def asset(name: str):
    if not os.path.isfile(os.path.join(BUILD_DIR, ENTRY_SCRIPT)):
        raise H5NotBuilt
    response = send_from_directory(BUILD_DIR, name)
    # Versioned by ?v= (the page's build id) or by the chunk's own hashed name.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.app_context_processor
def _page_text():
    # App-wide: app.errors renders the error page for any path under /h5/, blueprint or not.
    return {"h5_text": lambda key: locale_page_text(key, page_locale())}


def page_locale() -> str:
    """Chinese, unless the page's URL asks for English with ?lang=en."""
    return "en" if request.args.get("lang") == "en" else "zh"


class H5NotBuilt(DomainError):
    """The page's assets were never built (make builds them)."""

    code = "h5_not_built"


@functools.cache
def _build_id_of(modified: float) -> str:
    with open(os.path.join(BUILD_DIR, ENTRY_SCRIPT), "rb") as script:
        return hashlib.sha256(script.read()).hexdigest()[:12]


def build_id() -> str:
    """A digest of the built script, so a new build reaches browsers that cached the old one.

    Raises:
        H5NotBuilt: there is no build.
    """
    try:
        modified = os.path.getmtime(os.path.join(BUILD_DIR, ENTRY_SCRIPT))
    except FileNotFoundError:
        raise H5NotBuilt from None
    return _build_id_of(modified)
