"""Fixtures for the H5 square: the partners whose links (?partner=) may open it."""

from tests.partners.conftest import issue, linked, partner, unusable_link  # noqa: F401
