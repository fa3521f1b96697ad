from flask import url_for
from flask.views import MethodView
from flask_jwt_extended import current_user, get_current_user
from flask_smorest import Blueprint

from app.auth.tokens import maybe_signed_in, signed_in
from app.partners.context import current_partner_id
from app.posts import contact, create, service, views
from app.posts.presenter import Reader, json_response
from app.posts.schemas import (
    ContactRevealSchema,
    ContactSchema,
    IdempotencyHeaderSchema,
    NoteEditSchema,
    PostCreateSchema,
    PostSchema,
    ViewQuerySchema,
)
from geo.coordinates import to_wgs84
from geo.points import LonLat

bp = Blueprint(
    "posts",
    __name__,
    description="The information square: needs and offers of medicine, nearest first",
)


def _reader(args: dict) -> Reader:
    system = args["coordinate_system"]
    if "lat" not in args:
        return Reader(None, system)
    return Reader(to_wgs84(LonLat(args["lng"], args["lat"]), system), system)


@bp.route("")
class Posts(MethodView):
    @signed_in(bp)
    @bp.arguments(IdempotencyHeaderSchema, location="headers")
    @bp.arguments(PostCreateSchema)
    @bp.response(201, PostSchema)
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(409, response="CONFLICT")
    def post(self, idempotency, body):
        """Post a need or an offer; verified users only. Idempotency-Key makes retries safe"""
        answer, post_id, created = create.create_post(
            current_user,
            body,
            idempotency.get("idempotency_key"),
            Reader(None, body["location"]["coordinate_system"]),
            partner_id=current_partner_id(),
        )
        headers = {"Location": url_for("posts.OnePost", post_id=post_id)}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return json_response(answer, 201, headers)


@bp.route("/mine")
class Mine(MethodView):
    @signed_in(bp)
    @bp.arguments(ViewQuerySchema, location="query")
    @bp.response(200, PostSchema(many=True))
    def get(self, args):
        """The caller's own posts, newest first, in every state but deleted"""
        return json_response(views.owners_posts(current_user, _reader(args)))


@bp.route("/<int:post_id>")
class OnePost(MethodView):
    @maybe_signed_in(bp)
    @bp.arguments(ViewQuerySchema, location="query")
    @bp.response(200, PostSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    def get(self, args, post_id):
        """A post by its link: the public view, and all of it for its owner; no sign-in"""
        # current_user is a proxy, never None: a signed-out reader must reach the view as None.
        return json_response(views.post_page(post_id, get_current_user(), _reader(args)))

    @signed_in(bp)
    @bp.arguments(NoteEditSchema)
    @bp.response(200, PostSchema)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(409, response="CONFLICT")
    def patch(self, body, post_id):
        """Edit the note of one's own post"""
        service.edit_note(post_id, current_user, body["note"])
        return json_response(views.owner_page(post_id, current_user))

    @signed_in(bp)
    @bp.response(204)
    @bp.alt_response(404, response="NOT_FOUND")
    @bp.alt_response(403, response="FORBIDDEN")
    def delete(self, post_id):
        """Delete one's own post; its number, hint and exact spot are erased"""
        service.delete_post(post_id, current_user)


def _owner_change(view):
    """An owner's change to their post: signed in, answers the owner's view, and documents the
    refusals every such change shares (someone else's post, none, or one that is closed)."""
    for decorate in (
        bp.alt_response(404, response="NOT_FOUND"),
        bp.alt_response(409, response="CONFLICT"),
        bp.alt_response(403, response="FORBIDDEN"),
        bp.response(200, PostSchema),
        signed_in(bp),
    ):
        view = decorate(view)
    return view


@bp.route("/<int:post_id>/resolve")
class Resolve(MethodView):
    @_owner_change
    def post(self, post_id):
        """Mark one's own post resolved: help happened. Doing it again changes nothing"""
        service.resolve_post(post_id, current_user)
        return json_response(views.owner_page(post_id, current_user))


@bp.route("/<int:post_id>/renew")
class Renew(MethodView):
    @_owner_change
    def post(self, post_id):
        """Give one's own open or expired post a fresh lifetime from now"""
        service.renew_post(post_id, current_user)
        return json_response(views.owner_page(post_id, current_user))


@bp.route("/<int:post_id>/contact")
class RevealContact(MethodView):
    @signed_in(bp)
    @bp.response(200, ContactSchema)
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(409, response="CONFLICT")
    @bp.alt_response(429, response="TOO_MANY_REQUESTS")
    @bp.alt_response(404, response="NOT_FOUND")
    def post(self, post_id):
        """Reveal an open post's contact number; verified users, recorded, limited per day"""
        post = service.post_to_contact(post_id, current_user)
        return contact.reveal_contact(post, current_user)


@bp.route("/<int:post_id>/contact-reveals")
class ContactReveals(MethodView):
    @signed_in(bp)
    @bp.response(200, ContactRevealSchema(many=True))
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(404, response="NOT_FOUND")
    def get(self, post_id):
        """For the owner: who saw this post's contact number, and when"""
        return contact.reveals_of(service.owned_post(post_id, current_user, lock=False))
