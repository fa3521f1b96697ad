"""Refuses to start production with settings that are only fit for a laptop."""

from config import DEFAULT_ID_NUMBER_KEY, DEFAULT_SECRET_KEY

SECRETS_WITH_DEFAULTS = {
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "ID_NUMBER_HMAC_KEY": DEFAULT_ID_NUMBER_KEY,
}
MINIMUM_SECRET_LENGTH = 32


class UnsafeSettings(RuntimeError):
    """Raised at start-up when production would run with a missing or default secret."""


def refuse_unsafe_settings(config) -> None:
    """Stop a production start whose secrets are missing, default or short.

    Raises:
        UnsafeSettings: naming every setting that must be changed.
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
    if problems:
        raise UnsafeSettings(
            "production needs its own secrets of at least "
            f"{MINIMUM_SECRET_LENGTH} characters: set {', '.join(problems)}"
        )
