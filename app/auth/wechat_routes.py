from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from app.auth import wechat_service
from app.auth.schemas import BoundPhoneSchema, TokenPairSchema, WeChatCodeSchema
from app.auth.tokens import signed_in

bp = Blueprint("wechat", __name__, description="Signing in from the WeChat mini program")

# How each route can fail because of WeChat, for the OpenAPI document.
WECHAT_FAILURES = (
    (403, "FORBIDDEN", "WeChat's risk control blocks this user (wechat_user_blocked)"),
    (429, "TOO_MANY_REQUESTS", "WeChat rate-limits this user; see Retry-After"),
    (502, "BAD_GATEWAY", "WeChat failed or answered with something unusable"),
    (503, "SERVICE_UNAVAILABLE", "WeChat is busy; see Retry-After"),
    (504, "GATEWAY_TIMEOUT", "WeChat did not answer in time"),
)


def fails_like_wechat(blueprint: Blueprint):
    """Document, on a view of this blueprint, how WeChat can make it fail."""

    def decorate(view):
        for status, response, description in WECHAT_FAILURES:
            view = blueprint.alt_response(status, response=response, description=description)(view)
        return view

    return decorate


@bp.route("/wechat")
class WeChatSignIn(MethodView):
    @bp.arguments(WeChatCodeSchema)
    @bp.response(200, TokenPairSchema)
    @bp.alt_response(401, response="UNAUTHORIZED", description="The account is banned or deleted")
    @fails_like_wechat(bp)
    def post(self, body):
        """Sign in with the code from wx.login; the first sign-in makes the account"""
        return wechat_service.sign_in(body["code"])


@bp.route("/wechat/phone")
class WeChatPhone(MethodView):
    @signed_in(bp)
    @bp.arguments(WeChatCodeSchema)
    @bp.response(200, BoundPhoneSchema)
    @bp.alt_response(409, response="CONFLICT", description="Another account has this number")
    @fails_like_wechat(bp)
    def post(self, body):
        """Bind the mobile number from the getPhoneNumber button; reaches the phone level"""
        return wechat_service.bind_phone(current_user, body["code"])
