"""Fixtures for who may do what: verified posters and their posts (tests/posts)."""

from tests.posts.conftest import create, poster  # noqa: F401
