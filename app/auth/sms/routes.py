"""H5 sign-in: a code sent by SMS to a mainland mobile number, traded for a token pair.

The per-address limit counts request.remote_addr: behind a reverse proxy, set TRUSTED_PROXIES
so that it is the caller's address and not the proxy's.
"""

from flask import request
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt
from flask_smorest import Blueprint

from app.auth.schemas import TokenPairSchema
from app.auth.sms import service
from app.auth.sms.schemas import CodeRequestSchema, CodeSentSchema, SignInSchema
from app.auth.tokens import signed_in

bp = Blueprint("sms", __name__, description="Signing in on H5 with a code sent by SMS")


@bp.route("/codes")
class Codes(MethodView):
    @bp.arguments(CodeRequestSchema)
    @bp.response(202, CodeSentSchema)
    @bp.alt_response(429, response="TOO_MANY_REQUESTS")
    @bp.alt_response(502, response="BAD_GATEWAY")
    def post(self, body):
        """Send a one-time code to a mobile number; it replaces any earlier code"""
        return service.request_code(body["mobile"], request.remote_addr)


@bp.route("/link")
class Link(MethodView):
    @signed_in(bp)
    @bp.arguments(SignInSchema)
    @bp.response(200, TokenPairSchema)
    @bp.alt_response(409, response="CONFLICT", description="The accounts cannot be linked")
    def post(self, body):
        """Prove a mobile number by its code and add it to the signed-in account, linking the
        account that signs in with it; answers the tokens of the account the caller is now"""
        return service.link(current_user, get_jwt(), body["mobile"], body["code"])


@bp.route("/sign-in")
class SignIn(MethodView):
    @bp.arguments(SignInSchema)
    @bp.response(200, TokenPairSchema)
    @bp.alt_response(401, response="UNAUTHORIZED", description="The account is banned")
    def post(self, body):
        """Trade the code for a token pair; the account is made on first sign-in"""
        return service.sign_in(body["mobile"], body["code"])
