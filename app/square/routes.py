"""The square's endpoints: GET /api/v1/posts, POST /api/v1/posts/search and a post's matches.

They are the posts blueprint's (same URLs, same tag in the OpenAPI document), registered here
because the square reads posts and posts must not import the square.
"""

from flask.views import MethodView
from flask_jwt_extended import current_user

from app.auth.tokens import signed_in
from app.posts import service as posts
from app.posts.presenter import json_response, public_post
from app.posts.routes import bp
from app.posts.schemas import AnswerSystemSchema, PublicPostSchema
from app.posts.views import request_language
from app.square import service
from app.square.query import square_query
from app.square.schemas import (
    SQUARE_RULES_IN_WORDS,
    SquarePageSchema,
    SquareQuerySchema,
    SquareSearchSchema,
)


def _posts(page: service.SquarePage) -> list[dict]:
    words = request_language()
    return [public_post(row, page.reader, words) for row in page.rows]


def _page(page: service.SquarePage):
    return json_response(
        {"posts": _posts(page), "next_cursor": page.next_cursor, "sort": page.sort}
    )


@bp.route("", methods=["GET"])
class Square(MethodView):
    # An instance, not the class: webargs would build a new schema (deep-copying every field)
    # on each request.
    @bp.arguments(SquareQuerySchema(), location="query")
    @bp.doc(description=SQUARE_RULES_IN_WORDS)
    @bp.response(200, SquarePageSchema)
    def get(self, args):
        """The square: open posts, nearest first (with lat/lng) or newest first; no sign-in"""
        return _page(service.read_square(square_query(args)))


@bp.route("/search")
class Search(MethodView):
    # No body is the square unfiltered, as GET /posts without a query.
    @bp.arguments(SquareSearchSchema(), required=False)
    @bp.doc(description=SQUARE_RULES_IN_WORDS)
    @bp.response(200, SquarePageSchema)
    def post(self, args):
        """The square with filters in a JSON body, for polygons too long for a URL"""
        return _page(service.read_square(square_query(args)))


@bp.route("/<int:post_id>/matches")
class Matches(MethodView):
    @signed_in(bp)
    @bp.arguments(AnswerSystemSchema, location="query")
    @bp.response(200, PublicPostSchema(many=True))
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(409, response="CONFLICT")
    def get(self, args, post_id):
        """For the owner of an open post: nearest open posts of the other kind sharing a
        medicine, measured from the post"""
        post = posts.post_to_match(post_id, current_user)
        return json_response(_posts(service.matches_for(post, args["coordinate_system"])))
