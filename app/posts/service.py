"""Making posts and what their owners do with them: resolve, renew, edit the note, delete."""

import random
from datetime import UTC, datetime, timedelta

from flask import current_app
from geoalchemy2 import WKTElement
from geoalchemy2.shape import to_shape
from sqlalchemy import exists, func, select

from app.auth.events import account_holdings
from app.auth.models import User
from app.auth.service import require_level
from app.errors import DomainError
from app.extensions import db
from app.me.service import require_consent
from app.posts import lifecycle
from app.posts.models import PUBLIC_SRID, Post
from app.posts.moderation_hook import moderation
from app.posts.public import write_note
from geo.mercator import from_mercator, to_mercator
from geo.points import LonLat
from geo.privacy import snap_to_grid

# Half a metre, in Mercator metres: far below the cell and the 100 m steps distances are shown in.
PUBLIC_JITTER_M = 0.5
_jitter = random.SystemRandom()


class PostNotFound(DomainError):
    code = "post_not_found"


class NotPostOwner(DomainError):
    code = "not_post_owner"


class TooManyOpenPosts(DomainError):
    code = "too_many_open_posts"


class PostNotOpen(DomainError):
    code = "post_not_open"


class OwnPostContact(DomainError):
    code = "own_post_contact"


class PostUnderReview(DomainError):
    """Held for a moderator: nothing but an edit or a deletion until they decide."""

    code = "under_review"


class PostClosed(DomainError):
    """The post was removed, withdrawn or deleted, or is resolved and the action needs it open."""

    code = "post_closed"


def _require_may_post(user: User) -> None:
    """What putting a post on the square needs, whether new or renewed."""
    require_level(user, "post")
    require_consent(user, "location")
    require_consent(user, "contact")


def public_point(post: Post) -> LonLat:
    """The post's public grid point, in WGS 84."""
    geometry = post.public_position
    # A post made in this session still holds the EWKT it was given, not the database's WKB.
    if isinstance(geometry, str):
        geometry = WKTElement(geometry, extended=True)
    shape = to_shape(geometry)
    return from_mercator(shape.x, shape.y)


def public_xy(location: LonLat) -> tuple[float, float]:
    """The public point of a post at location, in Mercator metres: its grid cell's centre.

    A random jitter of under half a metre, unrelated to the spot, keeps two posts of one cell
    from sharing a distance to anyone, which nearest-first paging needs (see app/square).
    """
    x, y = to_mercator(snap_to_grid(location, current_app.config["PUBLIC_GRID_METRES"]))
    return (
        x + _jitter.uniform(-PUBLIC_JITTER_M, PUBLIC_JITTER_M),
        y + _jitter.uniform(-PUBLIC_JITTER_M, PUBLIC_JITTER_M),
    )


def public_position_of(location: LonLat) -> str:
    """EWKT of public_xy(location)."""
    x, y = public_xy(location)
    return f"SRID={PUBLIC_SRID};POINT({x!r} {y!r})"


def _make_room_for_an_open_post(user: User) -> None:
    """Check the open-post limit, holding the poster's row until commit so that two
    simultaneous creates (or renewals) cannot both squeeze under it.

    Raises:
        TooManyOpenPosts: the user has OPEN_POSTS_PER_USER open posts already.
    """
    lock_poster(user)
    limit = current_app.config["OPEN_POSTS_PER_USER"]
    if open_post_count(user) >= limit:
        raise TooManyOpenPosts(limit=limit)


def lock_poster(user: User) -> None:
    """Hold the poster's row until commit. Whoever changes a poster's posts and the poster
    locks the poster first (a ban does too), so two such requests never wait on each other."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def lifetime(kind: str) -> timedelta:
    """How long a post of this kind stays on the square before its owner must renew it."""
    setting = "NEED_LIFETIME_DAYS" if kind == "need" else "OFFER_LIFETIME_DAYS"
    return timedelta(days=current_app.config[setting])


def open_post_count(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Post)
        .where(Post.user_id == user.id, Post.status == "open", Post.expires_at > func.now())
    )


def post_for_reader(post_id: int, reader: User | None) -> Post:
    """A post as its owner, or anyone else by its link, may see it.

    Raises:
        PostNotFound: no such post, or one others may no longer see (removed, withdrawn,
            deleted), so that its existence does not leak.
    """
    post = db.session.get(Post, post_id)
    if post is None or (not is_owner(post, reader) and post.status not in lifecycle.PUBLIC):
        raise PostNotFound
    return post


def is_owner(post: Post, reader: User | None) -> bool:
    return reader is not None and post.user_id == reader.id


def post_to_contact(post_id: int, viewer: User) -> Post:
    """Someone else's post on the square, whose contact the viewer asks for.

    Raises:
        PostNotFound: as for post_for_reader.
        OwnPostContact: the viewer's own post (its number is in the owner's view).
        PostNotOpen: resolved or expired: nobody needs to call about it any more.
    """
    post = post_for_reader(post_id, viewer)
    if is_owner(post, viewer):
        raise OwnPostContact
    if not post.on_the_square:
        raise PostNotOpen
    return post


def post_to_match(post_id: int, user: User) -> Post:
    """The caller's own post on the square, to find matches for.

    Raises:
        PostNotFound, NotPostOwner: as for owned_post.
        PostNotOpen: resolved, expired or taken down: nothing needs matching any more.
    """
    post = owned_post(post_id, user, lock=False)
    if not post.on_the_square:
        raise PostNotOpen
    return post


def owned_post(post_id: int, user: User, *, lock: bool = True) -> Post:
    """The caller's own post, for changing it.

    Raises:
        PostNotFound: no such post, or someone else's that others may not see.
        NotPostOwner: someone else's post that anyone can see.
    """
    query = select(Post).where(Post.id == post_id)
    post = db.session.scalar(query.with_for_update() if lock else query)
    if post is None or (post.user_id != user.id and post.status not in lifecycle.PUBLIC):
        raise PostNotFound
    if post.user_id != user.id:
        raise NotPostOwner
    return post


def resolve_post(post_id: int, user: User) -> Post:
    """Mark a post resolved: help happened, it leaves the square. Resolving again is a no-op."""
    post = owned_post(post_id, user)
    if post.status == "resolved":
        return post
    _refuse_closed(post)
    lifecycle.resolve(post)
    db.session.commit()
    return post


def renew_post(post_id: int, user: User) -> Post:
    """Give an open or expired post a fresh lifetime from now, back on the square.

    Raises:
        PostClosed: the post is resolved, removed, withdrawn or deleted.
        NotVerified, ConsentRequired: the owner may no longer post.
        TooManyOpenPosts: renewing an expired post would pass the open-post limit.
    """
    # The poster before the post (see lock_poster): a renewal may need the open-post limit.
    lock_poster(user)
    post = owned_post(post_id, user)
    if post.status == "held":
        raise PostUnderReview
    if post.status not in lifecycle.RENEWABLE:
        raise PostClosed
    _require_may_post(user)
    if post.expires_at <= datetime.now(UTC):
        _make_room_for_an_open_post(user)
    lifecycle.renew(post, lifetime(post.kind))
    db.session.commit()
    return post


def edit_note(post_id: int, user: User, note: str) -> Post:
    """Change the note of the owner's post: open, out of time (to renew it after), or held for
    review (to take out what held it). The new note is screened like a new post's.

    Raises:
        PostClosed: the post is resolved, hidden, removed, withdrawn or deleted.
    """
    post = owned_post(post_id, user)
    if post.status not in lifecycle.EDITABLE:
        # Only a post that is, or may again be, on the square has a note worth changing.
        raise PostClosed
    edited_from = post.note
    masked_by_hand = post.hand_masked_note is not None
    # A moderator's masking was of the old words; the new ones go back to a moderator.
    write_note(post, note)
    db.session.flush()
    moderation().note_edited(post, edited_from=edited_from, masked_by_hand=masked_by_hand)
    db.session.commit()
    return post


def delete_post(post_id: int, user: User) -> None:
    """Take a post down for good; its contact number, hint and exact spot are erased.

    The row stays (reports and contact reveals point at it), at its public grid point only.
    Deleting again is a no-op.
    """
    post = owned_post(post_id, user)
    if lifecycle.erase(post):
        moderation().posts_erased(select(Post.id).where(Post.id == post.id))
    db.session.commit()


def expire_posts() -> int:
    """Mark open posts past their time as expired, so they leave the square's indexes.

    The square already hides them by expires_at; this keeps its partial indexes small.
    """
    expired = lifecycle.expire_overdue()
    db.session.commit()
    return expired


def _refuse_closed(post: Post) -> None:
    # Held and hidden posts wait on, or were taken down by, a moderator: resolving one would
    # show it by its link again.
    if post.status == "held":
        raise PostUnderReview
    if post.status in ("hidden", "removed", "withdrawn", "deleted"):
        raise PostClosed


@account_holdings.connect
def _holds_posts(user: User, **_kwargs) -> bool:
    """An account with a post of its own, in any state, is not one to fold away (its history
    and its reports would go with it)."""
    return bool(db.session.scalar(select(exists().where(Post.user_id == user.id))))
