"""Refuses settings that cannot work, and production settings fit only for a laptop."""

from app.auth.models import VERIFICATION_LEVELS
from app.auth.service import REQUIRED_LEVEL_SETTINGS
from app.limits.limiter import LIMIT_SETTINGS, parsed_limits
from app.partners.fields import normalised_origin
from app.request_kind import READ, WRITE
from config import (
    DEFAULT_CONTACT_PHONE_KEY,
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
    "CONTACT_PHONE_KEY": DEFAULT_CONTACT_PHONE_KEY,
}
# Providers that only pretend (write SMS codes to the log, check identity numbers by their form).
DEVELOPMENT_ONLY_PROVIDERS = {
    "SMS_PROVIDER": "log",
    "IDENTITY_PROVIDER": "checksum-only",
}
# Each provider setting's possible values, and what each value needs set in production.
PROVIDER_NEEDS = {
    "SMS_PROVIDER": {
        "log": (),
        "tencentcloud": (
            "TENCENTCLOUD_SECRET_ID",
            "TENCENTCLOUD_SECRET_KEY",
            "SMS_SDK_APP_ID",
            "SMS_SIGN_NAME",
            "SMS_TEMPLATE_ID",
        ),
    },
    "IDENTITY_PROVIDER": {
        "checksum-only": (),
        "tencentcloud-faceid": ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
    },
}
# The mini program, and the official account the H5 page signs in through, cannot sign anyone
# in without these.
PRODUCTION_NEEDS = (
    "WECHAT_APP_ID",
    "WECHAT_APP_SECRET",
    "WECHAT_OA_APP_ID",
    "WECHAT_OA_APP_SECRET",
)
# Addresses that must be WeChat's and ours over HTTPS: a fake WeChat (make run's) or a laptop's
# page is served over plain HTTP.
HTTPS_ONLY = ("WECHAT_API_BASE_URL", "WECHAT_OPEN_BASE_URL", "H5_ORIGIN")
MINIMUM_SECRET_LENGTH = 32
# Setting name -> the environment variable that sets it, for the development database URLs.
DATABASE_URLS_WITH_DEFAULTS = {
    "SQLALCHEMY_DATABASE_URI": ("DATABASE_URL", DEFAULT_DATABASE_URL),
    "DATABASE_OWNER_URL": ("DATABASE_OWNER_URL", DEFAULT_DATABASE_OWNER_URL),
}


class UnsafeSettings(RuntimeError):
    """Raised at start-up when settings cannot work, or production would run on defaults."""


def refuse_unsafe_settings(config) -> None:
    """Stop a start whose settings name no known provider or level, and a production start
    whose secrets, database URLs or provider credentials are missing or development defaults.

    Raises:
        UnsafeSettings: naming every environment variable that must be set or corrected.
    """
    unknown = [
        f"{name}={config.get(name)!r} (one of {', '.join(known)})"
        for name, known in (
            *((name, tuple(values)) for name, values in PROVIDER_NEEDS.items()),
            *((name, VERIFICATION_LEVELS) for name in REQUIRED_LEVEL_SETTINGS.values()),
        )
        if config.get(name) not in known
    ]
    unknown += _unreadable_rate_limits(config)
    unknown += _unusable_h5_origin(config)
    if unknown:
        raise UnsafeSettings(f"unknown settings: {'; '.join(unknown)}")
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
    needed = [*PRODUCTION_NEEDS]
    for name, values in PROVIDER_NEEDS.items():
        needed += values[config[name]]
    problems += [name for name in dict.fromkeys(needed) if not config.get(name)]
    if config.get("SMS_PROTOCOL") != "https":
        problems.append("SMS_PROTOCOL (https)")
    problems += [
        f"{name} (https://...)"
        for name in HTTPS_ONLY
        if not str(config.get(name, "")).startswith("https://")
    ]
    if problems:
        raise UnsafeSettings(
            f"production needs its own secrets (at least {MINIMUM_SECRET_LENGTH} characters), "
            f"database URLs and real providers: set {', '.join(problems)}"
        )


def _unreadable_rate_limits(config) -> list[str]:
    """Rate limit settings that name no limit Flask-Limiter can count."""
    settings = {
        name: config.get(name) for names in LIMIT_SETTINGS.values() for name in names.values()
    }
    tiers = config.get("RATE_LIMIT_TIERS")
    if not isinstance(tiers, dict) or config.get("PARTNER_DEFAULT_TIER") not in tiers:
        return [
            f"RATE_LIMIT_TIERS={tiers!r} (a JSON object of tiers with reads and writes, "
            f"PARTNER_DEFAULT_TIER={config.get('PARTNER_DEFAULT_TIER')!r} among them)"
        ]
    for tier, limits in tiers.items():
        for category in (READ, WRITE):
            value = limits.get(category) if isinstance(limits, dict) else None
            settings[f"RATE_LIMIT_TIERS.{tier}.{category}"] = value
    unreadable = []
    for name, value in settings.items():
        try:
            parsed_limits(value)
        except (TypeError, ValueError):
            unreadable.append(f"{name}={value!r} (limits such as '60 per minute;1000 per day')")
    return unreadable


def _unusable_h5_origin(config) -> list[str]:
    """H5_ORIGIN must be an origin exactly as browsers send it, or Origin never matches it."""
    origin = config.get("H5_ORIGIN") or ""
    try:
        if normalised_origin(origin) == origin:
            return []
    except ValueError:
        pass
    return [f"H5_ORIGIN={origin!r} (scheme://host[:port] in lower case, https but for localhost)"]
