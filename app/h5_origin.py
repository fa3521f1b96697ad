"""Which URLs are pages of the H5 square: on H5_ORIGIN, under /h5/. WeChat's web authorisation
and JS-SDK work only for the domain registered with the official account, and we sign for
nobody else's pages."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from app.errors import FieldsInvalid

H5_PREFIX = "/h5/"
NOT_AN_H5_PAGE = "Not a page of the H5 square."
DEFAULT_PORTS = {"http": 80, "https": 443}


class NotAnH5Page(FieldsInvalid):
    """A URL a request named (field) is not a page of the square on our own origin."""

    def __init__(self, field: str):
        super().__init__(errors={field: [NOT_AN_H5_PAGE]})


@dataclass(frozen=True)
class PageUrl:
    """What a URL is to us: on our H5 origin or not, and a page of the square or not."""

    on_our_origin: bool
    is_h5_page: bool


def page_url(url: str) -> PageUrl:
    """Check a URL against H5_ORIGIN (scheme, host and port) and the page's path."""
    try:
        given = urlsplit(url)
        on_our_origin = _origin(given) == _origin(urlsplit(current_app.config["H5_ORIGIN"]))
    except ValueError:  # a port that is not a number
        return PageUrl(on_our_origin=False, is_h5_page=False)
    return PageUrl(on_our_origin, on_our_origin and given.path.startswith(H5_PREFIX))


def _origin(parts) -> tuple:
    return parts.scheme, parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme)
