"""Moderation endpoints for users: report a post, appeal a decision on one's own post."""

from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from app.auth.tokens import signed_in
from app.moderation import intake
from app.moderation.api.schemas import AppealCreateSchema, ReportCreateSchema, ReportSchema
from app.posts.presenter import json_response
from app.posts.schemas import PostSchema
from app.posts.views import owner_page

bp = Blueprint(
    "reports",
    __name__,
    description="Reporting a post to the moderators, and appealing their decision on one's own",
)


@bp.route("/<int:post_id>/reports")
class Reports(MethodView):
    @signed_in(bp)
    @bp.arguments(ReportCreateSchema)
    @bp.response(201, ReportSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(409, response="CONFLICT")
    @bp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body, post_id):
        """Report someone else's post on the square: one open report per person per post, a
        few a day. Reports from several real-name-verified people take it off the square until
        a moderator decides"""
        return intake.file_report(post_id, current_user, body["reason"], body["note"])


@bp.route("/<int:post_id>/appeal")
class Appeal(MethodView):
    @signed_in(bp)
    @bp.arguments(AppealCreateSchema)
    @bp.response(201, PostSchema)
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(409, response="CONFLICT")
    def post(self, body, post_id):
        """Ask, once per post, for a moderator's decision on one's own post to be reviewed"""
        intake.appeal(post_id, current_user, body["note"])
        return json_response(owner_page(post_id, current_user), 201)
