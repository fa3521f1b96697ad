"""Signing in on the H5 page inside WeChat, through the official account's web authorisation."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import wechat_web_service
from app.auth.schemas import (
    TokenPairSchema,
    WebAuthorizationRequestSchema,
    WebAuthorizationSchema,
    WebSignInSchema,
)
from app.auth.wechat_routes import fails_like_wechat

bp = Blueprint(
    "wechat_web",
    __name__,
    description="Signing in on the H5 page inside WeChat (the official account's silent web "
    "authorisation, snsapi_base)",
)


@bp.route("/wechat/web/authorizations")
class Authorizations(MethodView):
    @bp.arguments(WebAuthorizationRequestSchema)
    @bp.response(201, WebAuthorizationSchema)
    @bp.alt_response(503, response="SERVICE_UNAVAILABLE", description="No official account set")
    def post(self, body):
        """Start a web authorisation: a one-time state, and the WeChat page to send the browser
        to"""
        return wechat_web_service.start_authorization(body["return_to"])


@bp.route("/wechat/web")
class WebSignIn(MethodView):
    @bp.arguments(WebSignInSchema)
    @bp.response(200, TokenPairSchema)
    @bp.alt_response(401, response="UNAUTHORIZED", description="The account is banned")
    @fails_like_wechat(bp)
    def post(self, body):
        """Trade the code and state WeChat brought back for a token pair (snapshot-mode readers
        are refused: 403 wechat_snapshot_user)"""
        return wechat_web_service.sign_in(body["code"], body["state"])
