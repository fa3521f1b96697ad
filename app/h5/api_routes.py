"""The API the H5 page needs of its own: the JS-SDK's configuration inside WeChat."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth.wechat_routes import fails_like_wechat
from app.h5 import jssdk
from app.h5.schemas import JsSdkConfigSchema, JsSdkQuerySchema

bp = Blueprint("wechat_jssdk", __name__, description="WeChat's JS-SDK on the H5 page")


@bp.route("/jssdk-config")
class JsSdkConfig(MethodView):
    @bp.arguments(JsSdkQuerySchema, location="query")
    @bp.response(200, JsSdkConfigSchema)
    @bp.alt_response(503, response="SERVICE_UNAVAILABLE", description="No official account set")
    @fails_like_wechat(bp)
    def get(self, query):
        """wx.config's appId, timestamp, nonceStr and signature for a page of the H5 square"""
        return jssdk.jssdk_config(query["url"])
