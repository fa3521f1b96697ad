"""MedShare's application factory."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# app.models is imported for its side effect: every table registered on db.metadata.
from app import (  # noqa: F401
    cli,
    cors,
    db_pool,
    errors,
    models,
    request_guards,
    request_log,
    security_headers,
)
from app.areas.routes import bp as areas_bp
from app.auth import tokens, wechat, wechat_web
from app.auth.routes import bp as auth_bp
from app.auth.sms.routes import bp as sms_bp
from app.auth.wechat_routes import bp as wechat_bp
from app.auth.wechat_web_routes import bp as wechat_web_bp
from app.catalog.routes import bp as catalog_bp
from app.extensions import csrf, db, migrate
from app.h5.api_routes import bp as jssdk_bp
from app.h5.routes import ERROR_TEMPLATE as H5_ERROR_TEMPLATE
from app.h5.routes import bp as h5_bp
from app.health.routes import bp as health_bp
from app.limits import limiter as rate_limits
from app.limits.docs import RateLimitDocs
from app.me.routes import bp as me_bp
from app.migration_options import MIGRATIONS_DIR
from app.moderation import hook as moderation_hook
from app.moderation.api import staff_routes
from app.moderation.api.routes import bp as reports_bp
from app.moderation.api.staff_routes import bp as moderation_bp
from app.moderation.review.routes import ERROR_TEMPLATE as REVIEW_ERROR_TEMPLATE
from app.moderation.review.routes import bp as review_bp
from app.openapi import GuardAnswers, ProblemApi, SchemaRules, add_links
from app.partners import context as partner_context
from app.partners.admin_routes import bp as partners_admin_bp
from app.partners.routes import bp as partners_bp
from app.rights.routes import bp as rights_bp
from app.settings_check import refuse_unsafe_settings

# The posts blueprint, with the square's views on it too (see app/square/routes.py).
from app.square.routes import bp as posts_bp
from app.stats import pages as stats_pages
from app.stats.routes import bp as stats_bp
from config import CONFIGS


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the application.

    Args:
        config_name: "development", "test" or "production"; defaults to $MEDSHARE_ENV.
        **overrides: settings that win over the configuration class (tests use these).
    """
    app = Flask(__name__)
    app.config.from_object(CONFIGS[config_name or os.environ.get("MEDSHARE_ENV", "development")])
    app.config.update(overrides)
    refuse_unsafe_settings(app.config)
    # Chinese as UTF-8, not \uXXXX escapes: a third of the bytes, and readable in any tool.
    app.json.ensure_ascii = False
    if app.config["TRUSTED_PROXIES"]:
        # remote_addr then names the caller, as the per-address SMS limit needs, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])

    request_log.init_app(app)
    db.init_app(app)
    db_pool.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    # Browsers on other origins may call the API (partners' pages), never the review page.
    cors.init_app(app)
    security_headers.init_app(app)
    # flask-smorest keeps an app's spec on its Api object, so each app gets its own.
    api = ProblemApi(
        app,
        spec_kwargs={"extra_plugins": [RateLimitDocs(app.config), SchemaRules(), GuardAnswers()]},
    )
    tokens.init_app(app, api)
    staff_routes.init_app(app, api)
    moderation_hook.init_app(app)
    request_guards.init_app(app)
    # The partner a key names, before the limiter counts the call against it; a key refused is
    # answered once the call was counted against its address.
    partner_context.init_app(app, api)
    rate_limits.init_app(app)
    app.before_request(partner_context.refuse_unusable_key)
    wechat.init_app(app)
    wechat_web.init_app(app)
    errors.init_app(app)

    api.register_blueprint(health_bp)
    api.register_blueprint(catalog_bp, url_prefix="/api/v1/medicines")
    api.register_blueprint(auth_bp, url_prefix="/api/v1/auth")
    api.register_blueprint(sms_bp, url_prefix="/api/v1/auth/sms")
    api.register_blueprint(wechat_bp, url_prefix="/api/v1/auth")
    api.register_blueprint(wechat_web_bp, url_prefix="/api/v1/auth")
    api.register_blueprint(jssdk_bp, url_prefix="/api/v1/wechat")
    api.register_blueprint(me_bp, url_prefix="/api/v1/me")
    api.register_blueprint(rights_bp, url_prefix="/api/v1/me")
    api.register_blueprint(posts_bp, url_prefix="/api/v1/posts")
    api.register_blueprint(areas_bp, url_prefix="/api/v1/districts")
    api.register_blueprint(reports_bp, url_prefix="/api/v1/posts")
    api.register_blueprint(moderation_bp, url_prefix="/api/v1/moderation")
    api.register_blueprint(partners_bp, url_prefix="/api/v1/partners")
    api.register_blueprint(stats_bp, url_prefix="/api/v1")
    add_links(api.spec)
    # The review page: plain Flask pages, outside the OpenAPI document; its errors are pages too.
    app.register_blueprint(review_bp)
    app.register_blueprint(partners_admin_bp)
    errors.render_as_pages(app, review_bp.url_prefix, REVIEW_ERROR_TEMPLATE)
    # The H5 square's page and assets; its errors are pages too.
    app.register_blueprint(h5_bp)
    errors.render_as_pages(app, h5_bp.url_prefix, H5_ERROR_TEMPLATE)
    # The statistics pages: the public one at /stats/, the staff's on the review page.
    stats_pages.init_app(app)

    cli.init_app(app)
    return app
