"""Production refuses to start on secrets, databases or providers fit only for a laptop."""

import pytest

from app import create_app
from app.auth.sms.senders import sender_for
from app.me.providers import identity_provider
from app.settings_check import PROVIDER_NEEDS, UnsafeSettings
from config import (
    DEFAULT_DATABASE_OWNER_URL,
    DEFAULT_DATABASE_URL,
    DEFAULT_H5_ORIGIN,
    DEFAULT_SECRET_KEY,
)

STRONG = "k" * 40
PRODUCTION_SETTINGS = {
    "SECRET_KEY": STRONG,
    "ID_NUMBER_HMAC_KEY": STRONG + "i",
    "LOOKUP_HMAC_KEY": STRONG + "l",
    "CONTACT_PHONE_KEY": STRONG + "c",
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg2://app:s3cret@db.internal/medshare",
    "DATABASE_OWNER_URL": "postgresql+psycopg2://owner:s3cret@db.internal/medshare",
    "SMS_PROVIDER": "tencentcloud",
    "IDENTITY_PROVIDER": "tencentcloud-faceid",
    "TENCENTCLOUD_SECRET_ID": "AKIDexample",
    "TENCENTCLOUD_SECRET_KEY": "example-secret-key",
    "SMS_SDK_APP_ID": "1400000000",
    "SMS_SIGN_NAME": "邻里药箱",
    "SMS_TEMPLATE_ID": "100000",
    "WECHAT_APP_ID": "wx0000000000000000",
    "WECHAT_APP_SECRET": "example-app-secret",
    "WECHAT_OA_APP_ID": "wx1111111111111111",
    "WECHAT_OA_APP_SECRET": "example-official-account-secret",
    "H5_ORIGIN": "https://h5.medshare.example",
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
        ("CONTACT_PHONE_KEY", "dev-only-contact-phone-key"),
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


@pytest.mark.parametrize(
    "setting",
    [
        "WECHAT_APP_ID",
        "WECHAT_APP_SECRET",
        "WECHAT_OA_APP_ID",
        "WECHAT_OA_APP_SECRET",
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "SMS_SDK_APP_ID",
        "SMS_SIGN_NAME",
        "SMS_TEMPLATE_ID",
    ],
)
def test_production_refuses_real_providers_without_their_credentials(setting):
    with pytest.raises(UnsafeSettings, match=setting):
        create_app("production", **{**PRODUCTION_SETTINGS, setting: ""})


def test_production_sends_sms_requests_over_https_only():
    with pytest.raises(UnsafeSettings, match="SMS_PROTOCOL"):
        create_app("production", **{**PRODUCTION_SETTINGS, "SMS_PROTOCOL": "http"})


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        # make run's fake WeChat, on loopback over plain HTTP.
        ("WECHAT_API_BASE_URL", "http://127.0.0.1:8001"),
        ("WECHAT_OPEN_BASE_URL", "http://127.0.0.1:8001"),
        ("H5_ORIGIN", DEFAULT_H5_ORIGIN),
        ("H5_ORIGIN", ""),
    ],
)
def test_production_refuses_a_fake_wechat_and_a_page_not_served_over_https(setting, value):
    with pytest.raises(UnsafeSettings, match=setting):
        create_app("production", **{**PRODUCTION_SETTINGS, setting: value})


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SMS_PROVIDER", "aliyun"),
        ("IDENTITY_PROVIDER", "checksum"),
        ("POSTING_VERIFICATION_LEVEL", "none"),
        ("CONTACT_VERIFICATION_LEVEL", "Identity"),
    ],
)
def test_any_environment_refuses_a_provider_or_level_it_does_not_know(setting, value):
    with pytest.raises(UnsafeSettings, match=setting):
        create_app("development", **{setting: value})


@pytest.mark.parametrize("value", sorted(PROVIDER_NEEDS["SMS_PROVIDER"]))
def test_every_known_sms_provider_can_be_built(value):
    assert callable(sender_for({**PRODUCTION_SETTINGS, "SMS_PROVIDER": value}))


@pytest.mark.parametrize("value", sorted(PROVIDER_NEEDS["IDENTITY_PROVIDER"]))
def test_every_known_identity_provider_can_be_built(value):
    config = {
        **PRODUCTION_SETTINGS,
        "IDENTITY_PROVIDER": value,
        "IDENTITY_ENDPOINT": "faceid.tencentcloudapi.com",
        "IDENTITY_TIMEOUT_SECONDS": 5,
    }
    assert identity_provider(config).name == value


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("RATE_LIMIT_ADDRESS_READS", "lots"),
        ("RATE_LIMIT_USER_WRITES", ""),
        ("RATE_LIMIT_TIERS", {}),
        ("RATE_LIMIT_TIERS", {"standard": {"reads": "100 per minute"}}),
        ("RATE_LIMIT_TIERS", {"standard": {"reads": "100 per minute", "writes": "often"}}),
        ("PARTNER_DEFAULT_TIER", "gold"),
    ],
)
def test_any_start_refuses_rate_limits_it_cannot_read(setting, value):
    with pytest.raises(UnsafeSettings, match="RATE_LIMIT_"):
        create_app("test", **{setting: value})


def test_production_refuses_an_h5_origin_without_https():
    with pytest.raises(UnsafeSettings, match="H5_ORIGIN"):
        create_app("production", **{**PRODUCTION_SETTINGS, "H5_ORIGIN": "http://localhost:8000"})


@pytest.mark.parametrize(
    "origin", ["", "h5.medshare.example", "http://h5.medshare.example", "https://H5.example/"]
)
def test_any_start_refuses_an_h5_origin_browsers_would_never_send(origin):
    with pytest.raises(UnsafeSettings, match="H5_ORIGIN"):
        create_app("test", H5_ORIGIN=origin)
