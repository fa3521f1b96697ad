from flask.views import MethodView
from flask_jwt_extended import get_jwt
from flask_smorest import Blueprint

from app.auth import tokens
from app.auth.schemas import TokenPairSchema
from app.auth.tokens import signed_in

bp = Blueprint("auth", __name__, description="Signing in and out")


@bp.route("/refresh")
class Refresh(MethodView):
    @signed_in(bp, refresh=True)
    @bp.response(200, TokenPairSchema)
    def post(self):
        """Trade a refresh token for a new pair; the old pair stops working"""
        return tokens.refresh_session(get_jwt())


@bp.route("/logout")
class Logout(MethodView):
    @signed_in(bp)
    @bp.response(204)
    def post(self):
        """Sign this device out; its access and refresh tokens stop working at once"""
        tokens.end_session(get_jwt())
