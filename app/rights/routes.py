"""The caller's rights over their data: GET /me/export."""

from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from app.auth.tokens import signed_in
from app.posts.presenter import json_response
from app.rights.export import export_data
from app.rights.schemas import ExportSchema

bp = Blueprint("rights", __name__, description="A copy of everything held about the caller")


@bp.route("/export")
class Export(MethodView):
    @signed_in(bp)
    @bp.response(200, ExportSchema)
    @bp.alt_response(429, response="TOO_MANY_REQUESTS")
    def get(self):
        """Everything held about the caller, as JSON: profile, consents, posts with their notes,
        reveals made and received, reports, appeals and decisions. A few a day"""
        export = export_data(current_user)
        # Posts come as the owner's view already writes them (app/posts/presenter.py, which
        # PostSchema documents); the rest is dumped here.
        document = ExportSchema(exclude=("posts",)).dump(export)
        return json_response({**document, "posts": export.posts})
