import pytest


@pytest.fixture
def limits(app, monkeypatch):
    """Set a rate limit for this test only: limits("address", "reads", "2 per minute")."""

    def set_limit(kind: str, category: str, value: str) -> None:
        monkeypatch.setitem(app.config, f"RATE_LIMIT_{kind.upper()}_{category.upper()}", value)

    return set_limit
