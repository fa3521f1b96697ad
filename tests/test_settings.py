"""Production refuses to start on secrets that are missing, defaults, or too short."""

import pytest

from app import create_app
from app.settings_check import UnsafeSettings

STRONG = "k" * 40


@pytest.mark.parametrize(
    ("secret_key", "id_key", "named"),
    [
        (None, STRONG, "SECRET_KEY"),
        ("dev-only-not-secret", STRONG, "SECRET_KEY"),
        ("short", STRONG, "SECRET_KEY"),
        (STRONG, "dev-only-id-number-key", "ID_NUMBER_HMAC_KEY"),
        (STRONG, "", "ID_NUMBER_HMAC_KEY"),
    ],
)
def test_production_refuses_unsafe_secrets(secret_key, id_key, named):
    with pytest.raises(UnsafeSettings, match=named):
        create_app("production", SECRET_KEY=secret_key, ID_NUMBER_HMAC_KEY=id_key)


def test_production_starts_with_its_own_secrets():
    app = create_app("production", SECRET_KEY=STRONG, ID_NUMBER_HMAC_KEY=STRONG + "x")
    assert app.config["ENV_NAME"] == "production"


def test_development_accepts_the_defaults():
    assert create_app("development").config["SECRET_KEY"] == "dev-only-not-secret"
