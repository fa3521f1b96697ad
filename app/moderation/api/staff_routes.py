"""The moderators' queue over JSON, for moderators and admins signed in on the review page.

Staff authenticate with the review page's session cookie (password + TOTP), never a user's
bearer token. The cookie is SameSite=Lax and CORS never allows credentials; every POST also
carries the session's CSRF token (X-CSRFToken), which GET /session hands out.
"""

import functools

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from app.extensions import csrf
from app.moderation import decisions, queue
from app.moderation.api.schemas import (
    AuditEntrySchema,
    CaseReviewSchema,
    CaseSchema,
    ClaimNextSchema,
    DecisionSchema,
    QueueQuerySchema,
    QueueSchema,
    StaffSessionSchema,
)
from app.moderation.audit import trail
from app.staff.service import StaffSignInRequired
from app.staff.sessions import current_staff

bp = Blueprint(
    "moderation",
    __name__,
    description="The moderators' queue: claim an item, read it, decide it (staff only)",
)
STAFF_SESSION_SCHEME = "staffSession"
STAFF_SESSION = [{STAFF_SESSION_SCHEME: []}]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = {
    "in": "header",
    "name": "X-CSRFToken",
    "required": True,
    "schema": {"type": "string"},
    "description": "The csrf_token GET /session answers; without it a POST is 400 csrf_failed",
}


def init_app(app, api) -> None:
    """Document the review page's session cookie as the way staff authenticate here."""
    api.spec.components.security_scheme(
        STAFF_SESSION_SCHEME,
        {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]},
    )


def staff_only(view):
    """Let only a signed-in moderator or admin through; 401 for anyone else, users included.

    The check runs before CSRF's, so a caller without a staff session learns only that.
    """

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current_staff() is None:
            raise StaffSignInRequired
        if request.method in UNSAFE_METHODS:
            csrf.protect()
        return view(*args, **kwargs)

    guarded = bp.doc(security=STAFF_SESSION)(guarded)
    if view.__name__.upper() in UNSAFE_METHODS:
        guarded = bp.doc(parameters=[CSRF_HEADER])(guarded)
    guarded = bp.alt_response(401, response="UNAUTHORIZED")(guarded)
    return bp.alt_response(400, response="BAD_REQUEST")(guarded)


@bp.route("/session")
class Session(MethodView):
    @staff_only
    @bp.response(200, StaffSessionSchema)
    def get(self):
        """Who is signed in, and the CSRF token their POSTs must carry"""
        staff = current_staff()
        return {"username": staff.username, "role": staff.role, "csrf_token": generate_csrf()}


@bp.route("/queue")
class Queue(MethodView):
    @staff_only
    @bp.arguments(QueueQuerySchema, location="query")
    @bp.response(200, QueueSchema)
    def get(self, args):
        """Items in queue order (priority, then age), with counts by kind"""
        items = queue.list_cases(
            queue.QueueFilter(args.get("kind"), args["unclaimed_only"], args["state"]),
            limit=args["limit"],
            offset=args["offset"],
        )
        return {"counts": queue.queue_counts(), "items": items}


@bp.route("/queue/claim")
class ClaimNext(MethodView):
    @staff_only
    # No body claims the first item of any kind.
    @bp.arguments(ClaimNextSchema, required=False)
    @bp.response(200, CaseSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    def post(self, body):
        """Claim the first unclaimed item, optionally of one kind, under a lease"""
        return queue.claim_next(current_staff(), body.get("kind"))


@bp.route("/cases/<int:case_id>")
class Case(MethodView):
    @staff_only
    @bp.response(200, CaseReviewSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """An item with its post's original note; each read is recorded in the audit trail"""
        return queue.review(case_id, current_staff())


@bp.route("/cases/<int:case_id>/claim")
class Claim(MethodView):
    @staff_only
    @bp.response(200, CaseSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(409, response="CONFLICT")
    def post(self, case_id):
        """Claim an item, or renew one's own lease on it"""
        return queue.claim(case_id, current_staff())


@bp.route("/cases/<int:case_id>/release")
class Release(MethodView):
    @staff_only
    @bp.response(200, CaseSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(409, response="CONFLICT")
    def post(self, case_id):
        """Give a claimed item back to the queue"""
        return queue.release(case_id, current_staff())


@bp.route("/cases/<int:case_id>/decision")
class Decision(MethodView):
    @staff_only
    @bp.arguments(DecisionSchema)
    @bp.response(200, CaseSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(409, response="CONFLICT")
    def post(self, body, case_id):
        """Decide a claimed item, with a reason and the version read; a stale one is 409"""
        return decisions.decide(
            case_id,
            current_staff(),
            body["decision"],
            body["reason"],
            body["version"],
            body.get("public_note"),
        )


@bp.route("/cases/<int:case_id>/audit")
class Audit(MethodView):
    @staff_only
    @bp.response(200, AuditEntrySchema(many=True))
    @bp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """The item's audit trail, oldest first"""
        return trail(case_id=queue.case_by_id(case_id).id)
