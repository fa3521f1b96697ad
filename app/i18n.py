"""Language negotiation and the catalogue of user-visible strings.

app/messages.yaml holds the shared strings; each area keeps its own beside its code
(app/<area>/messages.yaml), merged here into one catalogue.
"""

import functools
import glob
import os
import re

import yaml
from flask import current_app, has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

# Accept-Language tags we recognise, mapped onto the locales we have strings for.
ACCEPTED_TAGS = {
    "zh": "zh",
    "zh-CN": "zh",
    "zh-Hans": "zh",
    "en": "en",
    "en-US": "en",
    "en-GB": "en",
}
LIST_SEPARATORS = {"zh": "、", "en": ", "}
APP_DIR = os.path.dirname(__file__)
MESSAGE_FILES = (
    os.path.join(APP_DIR, "messages.yaml"),
    *sorted(glob.glob(os.path.join(APP_DIR, "*", "messages.yaml"))),
)


@functools.cache
def _messages() -> dict:
    merged: dict = {}
    for path in MESSAGE_FILES:
        with open(path, encoding="utf-8") as handle:
            for section, entries in (yaml.safe_load(handle) or {}).items():
                if isinstance(entries, list):
                    merged.setdefault(section, []).extend(entries)
                    continue
                known = merged.setdefault(section, {})
                clashes = known.keys() & entries.keys()
                if clashes:
                    raise ValueError(f"{path} redefines {section}: {sorted(clashes)}")
                known.update(entries)
    return merged


@functools.cache
def _field_error_patterns() -> list[tuple[re.Pattern, dict]]:
    patterns = []
    for entry in _messages()["field_errors"]:
        pieces = re.split(r"\{(\w+)\}", entry["en"])
        regex = "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
            for index, piece in enumerate(pieces)
        )
        patterns.append((re.compile(f"^{regex}$"), entry))
    return patterns


def negotiate_locale() -> str:
    """The locale of the current request: from Accept-Language, else the configured default."""
    default = current_app.config["DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    return _locale_of(request.headers.get("Accept-Language", ""), default)


# Answers call negotiate_locale for every string they show (a square page, dozens of times), and
# clients send a handful of distinct headers; bounded, so odd headers cannot grow it.
@functools.lru_cache(maxsize=256)
def _locale_of(accept_language: str, default: str) -> str:
    best = parse_accept_header(accept_language, LanguageAccept).best_match(list(ACCEPTED_TAGS))
    return ACCEPTED_TAGS.get(best, default)


def content_language(locale: str) -> str:
    """The Content-Language (and html lang) value of a locale."""
    return "zh-CN" if locale == "zh" else locale


def problem_text(code: str, locale: str, **params) -> tuple[str, str]:
    """Title and detail of a problem code in one locale, with the detail's placeholders filled."""
    entry = _messages()["problems"][code]
    separator = LIST_SEPARATORS[locale]
    values = {
        name: separator.join(map(str, value)) if isinstance(value, list | tuple) else value
        for name, value in params.items()
    }
    return entry["title"][locale], entry["detail"][locale].format_map(_Blank(values))


def page_text(key: str, **params) -> str:
    """A string of the review page (the pages: section) in the request's language."""
    return locale_page_text(key, negotiate_locale(), **params)


def locale_page_text(key: str, locale: str, **params) -> str:
    """page_text in a locale the caller already negotiated (once for many strings)."""
    return _messages()["pages"][key][locale].format_map(_Blank(params))


def has_page_text(key: str) -> bool:
    """Whether the pages: section has a string for key (codes without one show as themselves)."""
    return key in _messages()["pages"]


def problem_status(code: str) -> int:
    return _messages()["problems"][code]["status"]


def translate_field_error(message: str, locale: str) -> str:
    """A validation message in the user's locale; one with no translation passes unchanged."""
    if locale == "en":
        return message
    for pattern, entry in _field_error_patterns():
        match = pattern.match(message)
        if match:
            return entry[locale].format_map(match.groupdict())
    return message


class _Blank(dict):
    """Leaves a placeholder the raiser did not fill as an empty string instead of failing."""

    def __missing__(self, key):
        return ""
