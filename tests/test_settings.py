"""Production refuses to start on secrets, databases or providers fit only for a laptop."""

import pytest

from app import create_app
from app.settings_check import UnsafeSettings
from config import DEFAULT_DATABASE_OWNER_URL, DEFAULT_DATABASE_URL, DEFAULT_SECRET_KEY

STRONG = "k" * 40
PRODUCTION_SETTINGS = {
    "SECRET_KEY": STRONG,
    "ID_NUMBER_HMAC_KEY": STRONG + "i",
    "LOOKUP_HMAC_KEY": STRONG + "l",
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg2://app:s3cret@db.internal/medshare",
    "DATABASE_OWNER_URL": "postgresql+psycopg2://owner:s3cret@db.internal/medshare",
    "SMS_PROVIDER": "tencentcloud",
    "IDENTITY_PROVIDER": "tencentcloud-faceid",
}


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SECRET_KEY", None),
        ("SECRET_KEY", DEFAULT_SECRET_KEY),
        ("SECRET_KEY", "short"),
        ("ID_NUMBER_HMAC_KEY", "dev-only-id-number-key"),
        ("ID_NUMBER_HMAC_KEY", ""),
        ("LOOKUP_HMAC_KEY", "dev-only-lookup-key"),
    ],
)
def test_production_refuses_unsafe_secrets(setting, value):
    with pytest.raises(UnsafeSettings, match=setting):
        create_app("production", **{**PRODUCTION_SETTINGS, setting: value})


@pytest.mark.parametrize(
    ("setting", "default", "variable"),
    [
        ("SQLALCHEMY_DATABASE_URI", DEFAULT_DATABASE_URL, "DATABASE_URL"),
        ("DATABASE_OWNER_URL", DEFAULT_DATABASE_OWNER_URL, "DATABASE_OWNER_URL"),
    ],
)
def test_production_refuses_the_development_database_urls(setting, default, variable):
    with pytest.raises(UnsafeSettings, match=variable):
        create_app("production", **{**PRODUCTION_SETTINGS, setting: default})


@pytest.mark.parametrize(
    ("setting", "development_only"),
    [("SMS_PROVIDER", "log"), ("IDENTITY_PROVIDER", "checksum-only")],
)
def test_production_refuses_providers_that_only_pretend(setting, development_only):
    with pytest.raises(UnsafeSettings, match=setting):
        create_app("production", **{**PRODUCTION_SETTINGS, setting: development_only})


def test_production_starts_with_its_own_secrets_databases_and_providers():
    app = create_app("production", **PRODUCTION_SETTINGS)
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_accepts_the_defaults():
    app = create_app("development")
    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY
    assert app.config["SMS_PROVIDER"] == "log"
