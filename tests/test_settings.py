"""Production refuses to start on secrets that are missing, defaults, or too short."""

import pytest

from app import create_app
from app.settings_check import UnsafeSettings
from config import DEFAULT_DATABASE_OWNER_URL, DEFAULT_DATABASE_URL

STRONG = "k" * 40
PRODUCTION_DATABASES = {
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg2://app:s3cret@db.internal/medshare",
    "DATABASE_OWNER_URL": "postgresql+psycopg2://owner:s3cret@db.internal/medshare",
}


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
        create_app(
            "production", SECRET_KEY=secret_key, ID_NUMBER_HMAC_KEY=id_key, **PRODUCTION_DATABASES
        )


@pytest.mark.parametrize(
    ("setting", "default", "variable"),
    [
        ("SQLALCHEMY_DATABASE_URI", DEFAULT_DATABASE_URL, "DATABASE_URL"),
        ("DATABASE_OWNER_URL", DEFAULT_DATABASE_OWNER_URL, "DATABASE_OWNER_URL"),
    ],
)
def test_production_refuses_the_development_database_urls(setting, default, variable):
    settings = {**PRODUCTION_DATABASES, setting: default}
    with pytest.raises(UnsafeSettings, match=variable):
        create_app("production", SECRET_KEY=STRONG, ID_NUMBER_HMAC_KEY=STRONG + "x", **settings)


def test_production_starts_with_its_own_secrets_and_databases():
    app = create_app(
        "production", SECRET_KEY=STRONG, ID_NUMBER_HMAC_KEY=STRONG + "x", **PRODUCTION_DATABASES
    )
    assert app.config["ENV_NAME"] == "production"


def test_development_accepts_the_defaults():
    assert create_app("development").config["SECRET_KEY"] == "dev-only-not-secret"
