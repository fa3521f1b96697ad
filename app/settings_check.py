"""Refuses to start production with settings that are only fit for a laptop."""

from config import (
    DEFAULT_DATABASE_OWNER_URL,
    DEFAULT_DATABASE_URL,
    DEFAULT_ID_NUMBER_KEY,
    DEFAULT_LOOKUP_KEY,
    DEFAULT_SECRET_KEY,
)

SECRETS_WITH_DEFAULTS = {
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "ID_NUMBER_HMAC_KEY": DEFAULT_ID_NUMBER_KEY,
    "LOOKUP_HMAC_KEY": DEFAULT_LOOKUP_KEY,
}
# Providers that only pretend (write SMS codes to the log, check identity numbers by their form).
DEVELOPMENT_ONLY_PROVIDERS = {
    "SMS_PROVIDER": "log",
    "IDENTITY_PROVIDER": "checksum-only",
}
MINIMUM_SECRET_LENGTH = 32
# Setting name -> the environment variable that sets it, for the development database URLs.
DATABASE_URLS_WITH_DEFAULTS = {
    "SQLALCHEMY_DATABASE_URI": ("DATABASE_URL", DEFAULT_DATABASE_URL),
    "DATABASE_OWNER_URL": ("DATABASE_OWNER_URL", DEFAULT_DATABASE_OWNER_URL),
}


class UnsafeSettings(RuntimeError):
    """Raised at start-up when production would run with a missing or default secret."""


def refuse_unsafe_settings(config) -> None:
    """Stop a production start whose secrets or database URLs are missing or development defaults.

    Raises:
        UnsafeSettings: naming every environment variable that must be set.
    """
    if config["ENV_NAME"] != "production":
        return
    problems = [
        name
        for name, default in SECRETS_WITH_DEFAULTS.items()
        if not config.get(name)
        or config[name] == default
        or len(config[name]) < MINIMUM_SECRET_LENGTH
    ]
    problems += [
        variable
        for setting, (variable, default) in DATABASE_URLS_WITH_DEFAULTS.items()
        if not config.get(setting) or config[setting] == default
    ]
    problems += [
        name
        for name, development_only in DEVELOPMENT_ONLY_PROVIDERS.items()
        if config.get(name) == development_only
    ]
    if problems:
        raise UnsafeSettings(
            f"production needs its own secrets (at least {MINIMUM_SECRET_LENGTH} characters), "
            f"database URLs and real providers: set {', '.join(problems)}"
        )
