from flask.views import MethodView
from flask_smorest import Blueprint

from app.partners import service
from app.partners.context import current_partner, secret_key_only
from app.partners.schemas import PartnerSchema

bp = Blueprint("partners", __name__, description="Partners: what their own server may read")


@bp.route("/me")
class Me(MethodView):
    @secret_key_only(bp)
    @bp.response(200, PartnerSchema)
    def get(self):
        """The calling partner: origins, tier and its limits, preset region, keys (never their
        secrets)"""
        return service.profile(current_partner().code)
