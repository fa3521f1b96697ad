from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from app.auth.tokens import signed_in
from app.me import service
from app.me.schemas import (
    ConsentGrantSchema,
    ConsentSchema,
    MeSchema,
    PolicySchema,
    VerificationSchema,
)

bp = Blueprint(
    "me", __name__, description="The caller's own account: profile, verification, consents"
)


@bp.route("")
class Me(MethodView):
    @signed_in(bp)
    @bp.response(200, MeSchema)
    def get(self):
        """The caller's own profile, with masked fields only"""
        return current_user

    @signed_in(bp)
    @bp.response(204)
    def delete(self):
        """Delete the account: personal data cleared, open posts withdrawn, tokens revoked"""
        service.delete_account(current_user)


@bp.route("/verification")
class Verification(MethodView):
    @signed_in(bp)
    @bp.arguments(VerificationSchema)
    @bp.response(200, MeSchema)
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(409, response="CONFLICT")
    @bp.alt_response(429, response="TOO_MANY_REQUESTS")
    @bp.alt_response(502, response="BAD_GATEWAY")
    def post(self, body):
        """Verify a real name with an identity document; needs identity_verification consent"""
        return service.verify_identity(current_user, **body)


@bp.route("/consents")
class Consents(MethodView):
    @signed_in(bp)
    @bp.response(200, ConsentSchema(many=True))
    def get(self):
        """Every consent the caller gave, in force or withdrawn, newest first"""
        return service.consents(current_user)

    @signed_in(bp)
    @bp.arguments(ConsentGrantSchema)
    @bp.response(201, ConsentSchema)
    @bp.alt_response(200, schema=ConsentSchema, description="Already in force")
    def post(self, body):
        """Consent to the current version of a purpose's policy"""
        consent, created = service.grant_consent(current_user, **body)
        return consent, 201 if created else 200


@bp.route("/consents/<string:purpose>")
class Consent(MethodView):
    @signed_in(bp)
    @bp.response(204)
    @bp.alt_response(404, response="NOT_FOUND")
    def delete(self, purpose):
        """Withdraw a consent; what relied on it stops at once"""
        service.withdraw_consent(current_user, purpose)


@bp.route("/policies")
class Policies(MethodView):
    # Public: a client shows these before the user has signed in or agreed to anything.
    @bp.response(200, PolicySchema(many=True))
    def get(self):
        """The current policy of each purpose, to show before asking for consent (no sign-in)"""
        return service.current_policies()
