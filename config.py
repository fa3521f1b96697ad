"""Settings, read from the environment only. Checks on them live in app.settings_check."""

import json
import os
from datetime import timedelta
from typing import ClassVar

DEFAULT_SECRET_KEY = "dev-only-not-secret-never-use-in-production"  # noqa: S105 - a known default that production refuses
DEFAULT_ID_NUMBER_KEY = "dev-only-id-number-key"
DEFAULT_LOOKUP_KEY = "dev-only-lookup-key"
DEFAULT_CONTACT_PHONE_KEY = "dev-only-contact-phone-key"
# Local development roles, whose passwords are their names; production must name its own URLs.
DEFAULT_DATABASE_URL = "postgresql+psycopg2://medshare_app:medshare_app@127.0.0.1:5432/medshare"
DEFAULT_DATABASE_OWNER_URL = (
    "postgresql+psycopg2://medshare_owner:medshare_owner@127.0.0.1:5432/medshare"
)
# make run's own address; production names its HTTPS origin.
DEFAULT_H5_ORIGIN = "http://127.0.0.1:8000"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def _env_json(name: str, default):
    return json.loads(os.environ[name]) if name in os.environ else default


# Partners' rate tiers: each names the limits of its reads and writes (limits' notation, several
# joined by ";"), counted per partner across all its keys.
DEFAULT_RATE_LIMIT_TIERS = {
    "standard": {"reads": "3000 per minute", "writes": "300 per minute"},
    "large": {"reads": "30000 per minute", "writes": "3000 per minute"},
}


class Config:
    ENV_NAME = "development"
    # The review page's session cookie: never readable by scripts, never sent by other sites' forms.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # Keyed hash for identity numbers: they are only ever stored as HMAC-SHA256 under this key.
    ID_NUMBER_HMAC_KEY = os.environ.get("ID_NUMBER_HMAC_KEY", DEFAULT_ID_NUMBER_KEY)
    # Keyed hash for what we look accounts up by (mobile numbers, WeChat openids), kept apart from
    # the identity-number key so either can be rotated alone.
    LOOKUP_HMAC_KEY = os.environ.get("LOOKUP_HMAC_KEY", DEFAULT_LOOKUP_KEY)

    # Posts' contact numbers are encrypted at rest under this secret: a copy of the database
    # alone reveals no one's phone. Unlike the HMAC keys it must decrypt, so it cannot be hashed.
    CONTACT_PHONE_KEY = os.environ.get("CONTACT_PHONE_KEY", DEFAULT_CONTACT_PHONE_KEY)

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    # The owner role runs migrations; the runtime role above cannot create or drop anything.
    DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", DEFAULT_DATABASE_OWNER_URL)
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        # Bound parameters carry phone numbers and coordinates; keep them out of error messages.
        "hide_parameters": True,
        "pool_size": _env_int("DATABASE_POOL_SIZE", 5),
        # An unreachable database fails /readyz and requests in seconds instead of hanging workers.
        # No JIT: the square's KNN plans carry large total costs (the whole walk, of which the
        # LIMIT takes a page), past jit_above_cost, and compiling them took 130 ms of a 6 ms
        # query. Every statement here is short.
        "connect_args": {
            "connect_timeout": _env_int("DATABASE_CONNECT_TIMEOUT", 5),
            "options": "-c jit=off",
        },
    }

    # Pooled connections idle longer than this are pinged before use (see app/db_pool.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = _env_int("DATABASE_PING_AFTER_IDLE_SECONDS", 10)
    # A request the database failed (restarting, stopped, the connection dropped) answers 503
    # with this Retry-After: about how long a restart takes.
    DATABASE_RETRY_AFTER_SECONDS = _env_int("DATABASE_RETRY_AFTER_SECONDS", 2)

    MAX_CONTENT_LENGTH = _env_int("MAX_BODY_BYTES", 64 * 1024)
    # The request line and headers: answered 414 / 431 problem+json past these, well below
    # Granian's own limits (app/request_guards.py). A square's polygon of 500 vertices fits in
    # neither a URL nor a header; POST /posts/search takes it.
    MAX_REQUEST_LINE_BYTES = _env_int("MAX_REQUEST_LINE_BYTES", 16 * 1024)
    MAX_HEADER_BYTES = _env_int("MAX_HEADER_BYTES", 32 * 1024)
    MAX_HEADER_COUNT = _env_int("MAX_HEADER_COUNT", 64)
    # Browsers may call the API from H5_ORIGIN's pages and active partners' registered origins
    # (app/partners/cors.py), read from the database and trusted by each worker this long.
    CORS_ORIGINS_CACHE_SECONDS = _env_int("CORS_ORIGINS_CACHE_SECONDS", 30)
    # How long a browser may reuse a preflight's answer: short, as origins come and go.
    CORS_MAX_AGE_SECONDS = _env_int("CORS_MAX_AGE_SECONDS", 600)

    # Rate limits, counted in Redis by Flask-Limiter for the whole API (app/limits). Each caller
    # is counted by what names it: a signed-in user, a partner's key (by the partner's tier) and
    # the client address (IPv6 by its /64); a partner's secret key stands for its server, so
    # its address is not counted. Reads and writes are counted apart.
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    RATELIMIT_STORAGE_URI = REDIS_URL
    # Keys in Redis start with this, so several deployments (or test runs) can share one server.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATE_LIMIT_KEY_PREFIX", "medshare")
    # Counts the current and the previous window, weighted: no burst at a window's edge, and
    # two counters per key instead of a list of every hit (moving-window's).
    RATELIMIT_STRATEGY = "sliding-window-counter"
    RATE_LIMIT_ADDRESS_READS = os.environ.get("RATE_LIMIT_ADDRESS_READS", "1200 per minute")
    RATE_LIMIT_ADDRESS_WRITES = os.environ.get("RATE_LIMIT_ADDRESS_WRITES", "120 per minute")
    RATE_LIMIT_USER_READS = os.environ.get("RATE_LIMIT_USER_READS", "300 per minute")
    RATE_LIMIT_USER_WRITES = os.environ.get("RATE_LIMIT_USER_WRITES", "30 per minute")
    RATE_LIMIT_TIERS: ClassVar[dict] = _env_json("RATE_LIMIT_TIERS", DEFAULT_RATE_LIMIT_TIERS)
    # A Redis that does not answer within this long counts as down: a read then goes on without
    # a limit, a write answers 503; each worker tries Redis again after RETRY seconds, which is
    # also the 503's Retry-After.
    RATE_LIMIT_STORE_TIMEOUT_MS = _env_int("RATE_LIMIT_STORE_TIMEOUT_MS", 250)
    # It is also how long writes stay refused after Redis is back: make fault measured 4.96 s
    # at 5, at the edge of issue 18's 5 s; a try costs one request at most the timeout above.
    RATE_LIMIT_STORE_RETRY_SECONDS = _env_int("RATE_LIMIT_STORE_RETRY_SECONDS", 2)

    # Partners (app/partners). Keys say which deployment made them: "live" in production,
    # "test" everywhere else, and each refuses the other's.
    PARTNER_KEY_ENVIRONMENT = "test"
    PARTNER_DEFAULT_TIER = os.environ.get("PARTNER_DEFAULT_TIER", "standard")
    # A rotated key keeps working this long beside its successor.
    PARTNER_KEY_OVERLAP_HOURS = _env_int("PARTNER_KEY_OVERLAP_HOURS", 24)
    # last_used_at is written at most this often per key, not on every request.
    PARTNER_KEY_TOUCH_SECONDS = _env_int("PARTNER_KEY_TOUCH_SECONDS", 60)
    # Open statistics (app/stats), published from a daily snapshot. Any count below
    # STATS_SUPPRESS_BELOW shows as "<10"; every other is rounded to STATS_ROUND_TO.
    STATS_SUPPRESS_BELOW = _env_int("STATS_SUPPRESS_BELOW", 10)
    STATS_ROUND_TO = _env_int("STATS_ROUND_TO", 5)
    # How many days back a snapshot counts, how many a query shows unless told, and how long a
    # top list is.
    STATS_DAYS = _env_int("STATS_DAYS", 90)
    STATS_DEFAULT_DAYS = _env_int("STATS_DEFAULT_DAYS", 30)
    STATS_TOP = _env_int("STATS_TOP", 10)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "zh")

    # Sign-in tokens. Access tokens are short so a revoked session is never trusted for long even
    # by a cache; every request still checks the session, so logout and bans act at once.
    # None signs with SECRET_KEY; set it to rotate token signing on its own.
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY")
    JWT_TOKEN_LOCATION = ("headers",)
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=_env_int("ACCESS_TOKEN_MINUTES", 15))
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=_env_int("REFRESH_TOKEN_DAYS", 30))

    # Real-name levels ("phone" or "identity") that posting and revealing a contact need.
    POSTING_VERIFICATION_LEVEL = os.environ.get("POSTING_VERIFICATION_LEVEL", "identity")
    CONTACT_VERIFICATION_LEVEL = os.environ.get("CONTACT_VERIFICATION_LEVEL", "identity")

    # Posts: sharing, not stock-keeping.
    OPEN_POSTS_PER_USER = _env_int("OPEN_POSTS_PER_USER", 3)
    NEED_LIFETIME_DAYS = _env_int("NEED_LIFETIME_DAYS", 3)
    OFFER_LIFETIME_DAYS = _env_int("OFFER_LIFETIME_DAYS", 7)
    # An offered pack must stay usable this long after posting, or it is refused.
    PACK_MIN_DAYS_TO_EXPIRY = _env_int("PACK_MIN_DAYS_TO_EXPIRY", 7)
    # Side of the grid cell a post's public position snaps to: coarse enough to hide a home,
    # fine enough for "a few minutes' walk".
    PUBLIC_GRID_METRES = _env_int("PUBLIC_GRID_METRES", 500)
    # Contact reveals per user per day (China's calendar), and how long an Idempotency-Key holds.
    CONTACT_REVEALS_PER_DAY = _env_int("CONTACT_REVEALS_PER_DAY", 10)
    IDEMPOTENCY_KEY_HOURS = _env_int("IDEMPOTENCY_KEY_HOURS", 24)
    # Copies of their own data (GET /me/export) a user may take per day (China's calendar).
    EXPORTS_PER_DAY = _env_int("EXPORTS_PER_DAY", 3)
    # Retention (app/rights/retention.py, `flask medshare purge` from cron), in days; none is
    # taken as shorter than 1, the window the daily limits count. A post's contact number,
    # meeting hint and exact spot go this long after it ended (resolved, expired, withdrawn,
    # removed, deleted): long enough for a late "did you get it?" call.
    RETENTION_POST_DAYS = _env_int("RETENTION_POST_DAYS", 30)
    # SMS codes (keyed hashes only) once the day's send limits no longer count them.
    RETENTION_SMS_CHALLENGE_DAYS = _env_int("RETENTION_SMS_CHALLENGE_DAYS", 2)
    # Who saw whose number: the poster's list, and moderators' evidence of harassment.
    RETENTION_REVEAL_DAYS = _env_int("RETENTION_REVEAL_DAYS", 90)
    # Sign-in sessions, counted from when they were revoked or their refresh token ran out.
    RETENTION_SESSION_DAYS = _env_int("RETENTION_SESSION_DAYS", 30)
    # The counts behind the daily limits of exports and of identity checks.
    RETENTION_EXPORT_DAYS = _env_int("RETENTION_EXPORT_DAYS", 2)
    RETENTION_VERIFICATION_ATTEMPT_DAYS = _env_int("RETENTION_VERIFICATION_ATTEMPT_DAYS", 30)

    # The square: page size, and how deep paging goes. Distance paging re-walks the index from
    # the nearest post on each page, so depth is capped; narrowing the area goes further.
    SQUARE_DEFAULT_LIMIT = _env_int("SQUARE_DEFAULT_LIMIT", 20)
    SQUARE_MAX_DEPTH = _env_int("SQUARE_MAX_DEPTH", 500)
    # How long each worker trusts its copy of the catalog's ids (see app/square/medicines.py).
    SQUARE_CATALOG_SECONDS = _env_int("SQUARE_CATALOG_SECONDS", 60)

    # Moderation. Reports from this many different people (about a problem, not "already
    # resolved") take a post off the square until a moderator decides.
    REPORTS_TO_HOLD = _env_int("REPORTS_TO_HOLD", 3)
    # Only reports by accounts verified to this level count toward REPORTS_TO_HOLD; others are
    # recorded for moderators and never hold. Each account files at most REPORTS_PER_DAY
    # reports a day (China's calendar).
    REPORT_HOLD_VERIFICATION_LEVEL = os.environ.get("REPORT_HOLD_VERIFICATION_LEVEL", "identity")
    REPORTS_PER_DAY = _env_int("REPORTS_PER_DAY", 10)
    # How long a claimed queue item stays its moderator's alone before it goes back to the queue.
    MODERATION_LEASE_MINUTES = _env_int("MODERATION_LEASE_MINUTES", 10)
    # The moderator `make run` prints, to try the review page with; never made in production.
    DEMO_MODERATOR_USERNAME = "demo.moderator"
    DEMO_MODERATOR_PASSWORD = os.environ.get("DEMO_MODERATOR_PASSWORD", "medshare demo 2022")

    # WeChat mini program sign-in (jscode2session, getuserphonenumber, stable_token).
    WECHAT_API_BASE_URL = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")
    WECHAT_APP_ID = os.environ.get("WECHAT_APP_ID", "")
    WECHAT_APP_SECRET = os.environ.get("WECHAT_APP_SECRET", "")
    WECHAT_TIMEOUT_SECONDS = _env_int("WECHAT_TIMEOUT_SECONDS", 5)
    # WeChat hands out the next access token in a token's last 5 minutes and honours both
    # meanwhile, so asking again that early never leaves a request holding a dead token.
    WECHAT_TOKEN_RENEW_SECONDS = _env_int("WECHAT_TOKEN_RENEW_SECONDS", 300)
    # Retry-After we pass on: WeChat's rate limit (45011) counts per minute; "system busy" (-1)
    # asks only for a short wait.
    WECHAT_RATE_LIMITED_RETRY_SECONDS = _env_int("WECHAT_RATE_LIMITED_RETRY_SECONDS", 60)
    WECHAT_BUSY_RETRY_SECONDS = _env_int("WECHAT_BUSY_RETRY_SECONDS", 5)
    # The official account the H5 page signs in through (web authorisation) and whose JS-SDK it
    # configures: credentials of its own, apart from the mini program's. Accounts link on the
    # unionid both apps get when they share an open platform account.
    WECHAT_OA_APP_ID = os.environ.get("WECHAT_OA_APP_ID", "")
    WECHAT_OA_APP_SECRET = os.environ.get("WECHAT_OA_APP_SECRET", "")
    # Where WeChat's browser opens the web authorisation page.
    WECHAT_OPEN_BASE_URL = os.environ.get("WECHAT_OPEN_BASE_URL", "https://open.weixin.qq.com")
    # How long a web authorisation's state waits for the browser to come back with it.
    WECHAT_WEB_STATE_SECONDS = _env_int("WECHAT_WEB_STATE_SECONDS", 600)
    # The H5 square's own origin: the domain registered with the official account for web
    # authorisation and the JS-SDK, so the only pages either is done for; and the one origin from
    # which a partner's public key may write (the H5 page acting for the partner in its URL).
    H5_ORIGIN = os.environ.get("H5_ORIGIN", DEFAULT_H5_ORIGIN)

    # Tencent Cloud credentials, for the SMS and identity providers that use it.
    TENCENTCLOUD_SECRET_ID = os.environ.get("TENCENTCLOUD_SECRET_ID", "")
    TENCENTCLOUD_SECRET_KEY = os.environ.get("TENCENTCLOUD_SECRET_KEY", "")
    TENCENTCLOUD_REGION = os.environ.get("TENCENTCLOUD_REGION", "ap-guangzhou")

    # H5 sign-in by SMS code. "log" writes the code to the log and is refused in production.
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "log")
    SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "sms.tencentcloudapi.com")
    SMS_SDK_APP_ID = os.environ.get("SMS_SDK_APP_ID", "")
    SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
    SMS_TEMPLATE_ID = os.environ.get("SMS_TEMPLATE_ID", "")
    # "https" in production; the tests' local fake of the SMS API speaks plain "http".
    SMS_PROTOCOL = os.environ.get("SMS_PROTOCOL", "https")
    SMS_TIMEOUT_SECONDS = _env_int("SMS_TIMEOUT_SECONDS", 5)
    # A code lives 5 minutes, is used once, and dies at the 5th wrong try.
    SMS_CODE_TTL_SECONDS = _env_int("SMS_CODE_TTL_SECONDS", 300)
    SMS_CODE_MAX_TRIES = _env_int("SMS_CODE_MAX_TRIES", 5)
    # Sends allowed per number and per client address, each in a sliding window of its name.
    SMS_MOBILE_SENDS_PER_MINUTE = _env_int("SMS_MOBILE_SENDS_PER_MINUTE", 1)
    SMS_MOBILE_SENDS_PER_DAY = _env_int("SMS_MOBILE_SENDS_PER_DAY", 10)
    SMS_CLIENT_SENDS_PER_HOUR = _env_int("SMS_CLIENT_SENDS_PER_HOUR", 20)
    # Reverse proxies in front of the app whose X-Forwarded-For is believed: the client address
    # that SMS limits count is otherwise the proxy's own, shared by every caller.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # Identity document checks. "checksum-only" checks the number's form alone, for development.
    IDENTITY_PROVIDER = os.environ.get("IDENTITY_PROVIDER", "checksum-only")
    IDENTITY_ENDPOINT = os.environ.get("IDENTITY_ENDPOINT", "faceid.tencentcloudapi.com")

    # Staff (moderators, admins) on the review page: password + TOTP, then a session cookie.
    STAFF_MAX_FAILED_SIGN_INS = _env_int("STAFF_MAX_FAILED_SIGN_INS", 5)
    STAFF_LOCKOUT_MINUTES = _env_int("STAFF_LOCKOUT_MINUTES", 15)
    STAFF_MIN_PASSWORD_LENGTH = _env_int("STAFF_MIN_PASSWORD_LENGTH", 12)
    # A name from argon2.profiles; RFC 9106's low-memory profile is argon2-cffi's own default.
    STAFF_ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"
    STAFF_TOTP_ISSUER = os.environ.get("STAFF_TOTP_ISSUER", "MedShare")
    # How long a checked password waits for its TOTP code, and how long a quiet session lives.
    STAFF_CODE_STEP_MINUTES = _env_int("STAFF_CODE_STEP_MINUTES", 5)
    STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 30)
    # Flask refuses session cookies signed longer ago than this; sign-in time is checked too.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("STAFF_SESSION_HOURS", 8))
    # CSRF is checked by the review page's blueprint only: the JSON API takes bearer tokens.
    WTF_CSRF_CHECK_DEFAULT = False
    # The token lives as long as the session, which sign-in rotates and which expires on its own.
    WTF_CSRF_TIME_LIMIT = None
    # Pages send Referrer-Policy: no-referrer, so browsers send no Referer for Flask-WTF's
    # HTTPS-only referrer check to compare; the token and SameSite cookie carry the protection.
    WTF_CSRF_SSL_STRICT = False
    # Me: real-name verification and consents (app/me).
    # Seconds to wait for the identity provider before answering 502.
    IDENTITY_TIMEOUT_SECONDS = _env_int("IDENTITY_TIMEOUT_SECONDS", 5)
    # Calls to the identity provider one account may make in any 24 hours; each costs money and
    # tells whether a name belongs to a number, so a stolen number cannot be tried name by name.
    VERIFICATION_ATTEMPTS_PER_DAY = _env_int("VERIFICATION_ATTEMPTS_PER_DAY", 5)
    # Age, on today's date in China, from which a person may verify and so post.
    MINIMUM_AGE = _env_int("MINIMUM_AGE", 18)

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
    # The suite's own keys in the shared Redis (the Makefile names them after TEST_DB), which
    # tests/conftest.py deletes before each test.
    RATELIMIT_KEY_PREFIX = os.environ.get("TEST_RATE_LIMIT_KEY_PREFIX", "medshare_test")
    # Each test loads the catalog (and registers partners) in its own rolled-back transaction.
    SQUARE_CATALOG_SECONDS = 0
    CORS_ORIGINS_CACHE_SECONDS = 0
    # argon2's fastest profile keeps the suite quick; it is not reachable from the environment.
    STAFF_ARGON2_PROFILE = "CHEAPEST"
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
    PARTNER_KEY_ENVIRONMENT = "live"
    SESSION_COOKIE_SECURE = True
    # Browsers go on using HTTPS only, for a year, on this host and its subdomains.
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 365 * 24 * 3600)
    # Browsers keep a __Host- cookie to this exact host, over HTTPS, for every path.
    SESSION_COOKIE_NAME = "__Host-medshare-staff"


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
