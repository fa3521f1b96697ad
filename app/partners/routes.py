from flask.views import MethodView
from flask_smorest import Blueprint

from app.partners import service
from app.partners.context import API_KEY_SCHEME, PARTNER_SCHEME, current_partner, secret_key_only
from app.partners.schemas import PartnerLinkSchema, PartnerSchema

bp = Blueprint(
    "partners",
    __name__,
    description="Partners: what their own server may read, and what a page shows of its partner",
)


@bp.route("/me")
class Me(MethodView):
    @secret_key_only(bp)
    @bp.response(200, PartnerSchema)
    def get(self):
        """The calling partner: origins, tier and its limits, preset region, keys (never their
        secrets)"""
        return service.profile(current_partner().code)


@bp.route("/current")
class Current(MethodView):
    @bp.doc(security=[{PARTNER_SCHEME: []}, {API_KEY_SCHEME: []}])
    @bp.response(200, PartnerLinkSchema)
    @bp.alt_response(400, response="BAD_REQUEST", description="X-Partner with X-Api-Key")
    @bp.alt_response(401, response="UNAUTHORIZED", description="X-Api-Key refused")
    @bp.alt_response(403, response="FORBIDDEN", description="X-Partner not from the H5 page")
    @bp.alt_response(404, response="NOT_FOUND", description="The call names no partner")
    @bp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="X-Partner refused")
    def get(self):
        """The partner this call comes through (X-Partner from MedShare's H5 page, or any key):
        its name and preset region, as a page shows them"""
        return service.public_profile(current_partner())
