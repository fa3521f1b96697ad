"""Settings, read from the environment only. Checks on them live in app.settings_check."""

import os
from typing import ClassVar

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - a known default that production refuses
DEFAULT_ID_NUMBER_KEY = "dev-only-id-number-key"
# Local development roles, whose passwords are their names; production must name its own URLs.
DEFAULT_DATABASE_URL = "postgresql+psycopg2://medshare_app:medshare_app@127.0.0.1:5432/medshare"
DEFAULT_DATABASE_OWNER_URL = (
    "postgresql+psycopg2://medshare_owner:medshare_owner@127.0.0.1:5432/medshare"
)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # Keyed hash for identity numbers: they are only ever stored as HMAC-SHA256 under this key.
    ID_NUMBER_HMAC_KEY = os.environ.get("ID_NUMBER_HMAC_KEY", DEFAULT_ID_NUMBER_KEY)

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    # The owner role runs migrations; the runtime role above cannot create or drop anything.
    DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", DEFAULT_DATABASE_OWNER_URL)
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        # Bound parameters carry phone numbers and coordinates; keep them out of error messages.
        "hide_parameters": True,
        "pool_pre_ping": True,
        "pool_size": _env_int("DATABASE_POOL_SIZE", 5),
        # An unreachable database fails /readyz and requests in seconds instead of hanging workers.
        "connect_args": {"connect_timeout": _env_int("DATABASE_CONNECT_TIMEOUT", 5)},
    }

    MAX_CONTENT_LENGTH = _env_int("MAX_BODY_BYTES", 64 * 1024)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "zh")

    API_TITLE = "MedShare API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    # Swagger UI would otherwise ask validator.swagger.io to check the document from the browser.
    OPENAPI_SWAGGER_UI_CONFIG: ClassVar[dict] = {"validatorUrl": None}
    API_SPEC_OPTIONS: ClassVar[dict] = {
        "info": {
            "description": "MedShare: neighbours share surplus non-prescription medicine for free. "
            "Errors are application/problem+json (RFC 9457); send Accept-Language: en for English."
        }
    }


class DevelopmentConfig(Config):
    pass


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL",
        "postgresql+psycopg2://medshare_app:medshare_app@127.0.0.1:5432/medshare_test",
    )
    DATABASE_OWNER_URL = os.environ.get(
        "TEST_DATABASE_OWNER_URL",
        "postgresql+psycopg2://medshare_owner:medshare_owner@127.0.0.1:5432/medshare_test",
    )
    # A database left empty for the migration round-trip test.
    MIGRATION_TEST_DATABASE_URL = os.environ.get(
        "MIGRATION_TEST_DATABASE_URL",
        "postgresql+psycopg2://medshare_owner:medshare_owner@127.0.0.1:5432/medshare_test_migrations",
    )


class ProductionConfig(Config):
    ENV_NAME = "production"


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
