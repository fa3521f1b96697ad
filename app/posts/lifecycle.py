"""A post's states and the transitions between them, as data, and one function per transition.

Posts, accounts, consents, bans and moderation all move posts through these functions; no other
module writes Post.status (tests/posts/test_lifecycle.py greps the tree for it). A transition
from a state it does not list changes nothing and says so (False, or 0 posts), and the caller
decides whether that is a refusal.

    open ──resolve──> resolved            open/expired ──hold──> held (a moderator decides)
    open ──expire───> expired ──renew──> open
    held/hidden/removed ──approve──> open        resolved ──reopen──> open (an appeal upheld)
    moderated ──hide / remove / mark_resolved──> hidden / removed / resolved
    live ──withdraw──> withdrawn (a consent withdrawn, the account deleted)
    live ──bar──> removed (the poster banned)      any ──erase──> deleted (by its owner)
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select, update

from app.auth.events import account_barred
from app.extensions import db
from app.me.events import account_deleted, consent_withdrawn
from app.posts.models import POST_STATUSES, ContactReveal, IdempotencyKey, Post
from app.posts.moderation_hook import moderation
from geo.points import WGS84_SRID

# Statuses an owner can still renew from: the post is not finished, only out of time.
RENEWABLE = ("open", "expired")
# Statuses from which a post is, or could again be, on the square (by renewal or a moderator's
# decision): what a ban, a withdrawn consent or a deleted account must take down for good.
LIVE = (*RENEWABLE, "held", "hidden")
# What a moderator's decision can move a post out of; a post its owner deleted or withdrew
# stays so.
MODERATED = ("open", "expired", "held", "hidden", "removed", "resolved")
# Statuses in which people other than its owner may see a post, by its link.
PUBLIC = ("open", "expired", "resolved")
# Statuses in which an owner may edit the note: it is, or may again be, on the square.
EDITABLE = (*RENEWABLE, "held")
# Statuses of a post that has ended: nobody is sent to call or meet its poster any more, so
# retention purges its contact and exact spot after RETENTION_POST_DAYS (app/rights/retention.py).
ENDED = ("resolved", "expired", "withdrawn", "removed", "deleted")


@dataclass(frozen=True)
class Transition:
    target: str
    sources: tuple[str, ...]


def _but(target: str, sources: tuple[str, ...]) -> Transition:
    return Transition(target, tuple(status for status in sources if status != target))


TRANSITIONS = {
    # Screening found trading words, or enough people reported it. An expired post is held
    # too: its owner could otherwise renew it straight back on.
    "hold": Transition("held", RENEWABLE),
    # A moderator put it back on the square.
    "approve": Transition("open", ("held", "hidden", "removed")),
    # An appeal against "mark resolved" was upheld.
    "reopen": Transition("open", ("resolved",)),
    "hide": _but("hidden", MODERATED),
    "remove": _but("removed", MODERATED),
    # Its owner says help happened; a moderator may say so of a post in any moderated state.
    "resolve": Transition("resolved", RENEWABLE),
    "mark_resolved": _but("resolved", MODERATED),
    "renew": Transition("open", RENEWABLE),
    "expire": Transition("expired", ("open",)),
    "withdraw": Transition("withdrawn", LIVE),
    # A banned poster's posts leave the square at once: nobody should be sent to call them.
    "bar": Transition("removed", LIVE),
    "erase": _but("deleted", POST_STATUSES),
}
# What erasing each kind of personal data leaves of a post. The note is kept as everyone but the
# owner saw it (its public note); the spot at its grid cell's centre.
ERASED = {
    "note": {"note": Post.public_note, "hand_masked_note": None},
    "contact": {
        "contact_phone_encrypted": None,
        "contact_phone_masked": None,
        "address_hint": None,
    },
    "location": {"location": func.ST_Transform(Post.public_position, WGS84_SRID)},
}
# What withdrawing each consent erases from every post of its giver (identity erases nothing:
# posting needs it, so the posts are withdrawn).
ERASED_ON_WITHDRAWAL = {
    "identity_verification": (),
    "location": ("location",),
    "contact": ("contact",),
}


def first_status(*, held: bool) -> str:
    """A new post's status: open, or held when screening holds it from the start."""
    return TRANSITIONS["hold"].target if held else "open"


def _move(post: Post, name: str, **values) -> bool:
    """Make one transition of a post loaded in the session (the caller holds its row lock)."""
    transition = TRANSITIONS[name]
    if post.status not in transition.sources:
        return False
    post.status = transition.target
    for column, value in values.items():
        setattr(post, column, value)
    return True


def _move_all(name: str, condition: ColumnElement, **values) -> int:
    """Make one transition of every post matching condition that is in one of its sources."""
    transition = TRANSITIONS[name]
    return db.session.execute(
        update(Post)
        .where(condition, Post.status.in_(transition.sources))
        .values(status=transition.target, **values)
        .execution_options(synchronize_session="fetch")
    ).rowcount


def hold(post: Post) -> bool:
    """Take a post off the square until a moderator decides."""
    return _move(post, "hold")


def approve(post: Post) -> bool:
    """Put a held, hidden or removed post back on the square."""
    return _move(post, "approve")


def reopen(post: Post) -> bool:
    """Undo a moderator's "resolved": the post is open again."""
    return _move(post, "reopen", resolved_at=None)


def hide(post: Post) -> bool:
    """A moderator's hide: off the square, and its owner may appeal."""
    return _move(post, "hide", resolved_at=None)


def remove(post: Post) -> bool:
    """A moderator's removal."""
    return _move(post, "remove", resolved_at=None)


def resolve(post: Post) -> bool:
    """Its owner marks it resolved: help happened, it leaves the square."""
    return _move(post, "resolve", resolved_at=datetime.now(UTC))


def mark_resolved(post: Post) -> bool:
    """A moderator marks it resolved."""
    return _move(post, "mark_resolved", resolved_at=datetime.now(UTC))


def renew(post: Post, lifetime: timedelta) -> bool:
    """A fresh lifetime from now, back on the square."""
    now = datetime.now(UTC)
    return _move(post, "renew", expires_at=now + lifetime, renewed_at=now)


def expire_overdue() -> int:
    """Mark open posts past their time expired; returns how many."""
    return _move_all("expire", Post.expires_at <= func.now())


def withdraw(user_id: int, purpose: str) -> int:
    """A consent withdrawn: the user's live posts are withdrawn, so none can come back to the
    square by renewal or approval, and what the consent covered is erased from every post."""
    withdrawn = _move_all("withdraw", Post.user_id == user_id)
    _erase_data(Post.user_id == user_id, ERASED_ON_WITHDRAWAL[purpose])
    return withdrawn


def bar(user_id: int) -> int:
    """The poster is banned: every post that is, or could again be, on the square is removed."""
    return _move_all("bar", Post.user_id == user_id)


def erase(post: Post) -> bool:
    """Its owner deletes it: gone for good, with every personal detail (see ERASED).

    The row stays (reports and contact reveals point at it). Erasing again changes nothing.
    """
    if not _move(post, "erase", resolved_at=None):
        return False
    _erase_data(Post.id == post.id, ERASED)
    return True


def erase_account(user_id: int) -> int:
    """The account is deleted: its live posts are withdrawn, and every post of it loses every
    personal detail, as a deleted post does (see ERASED); returns how many were withdrawn."""
    withdrawn = _move_all("withdraw", Post.user_id == user_id)
    _erase_data(Post.user_id == user_id, ERASED)
    return withdrawn


def purge_ended(ended_before: datetime, batch: int) -> int:
    """Erase the contact and exact spot (as erase does) of up to batch posts that ended, and
    have not changed since, before ended_before; the caller commits. Returns how many.

    A post already purged is not chosen again, and rows another transaction holds are skipped
    (the next run takes them), so running it again, or beside the app, is safe.
    """
    holds_something = or_(
        Post.contact_phone_encrypted.is_not(None),
        Post.contact_phone_masked.is_not(None),
        Post.address_hint.is_not(None),
        ~func.ST_Equals(Post.location, ERASED["location"]["location"]),
    )
    chosen = list(
        db.session.scalars(
            select(Post.id)
            .where(Post.status.in_(ENDED), Post.updated_at < ended_before, holds_something)
            .order_by(Post.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )
    if chosen:
        _erase_data(Post.id.in_(chosen), ("contact", "location"))
    return len(chosen)


def _erase_data(condition: ColumnElement, parts) -> None:
    values = {column: value for part in parts for column, value in ERASED[part].items()}
    if values:
        db.session.execute(
            update(Post)
            .where(condition)
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )


# Accounts live below posts (a post needs its poster's account, level and consents), so they
# announce what happened and posts answer here.
@account_barred.connect
def _poster_barred(user, **_kwargs) -> None:
    bar(user.id)


@consent_withdrawn.connect
def _consent_withdrawn(user, *, purpose: str, **_kwargs) -> None:
    withdraw(user.id, purpose)


@account_deleted.connect
def _account_deleted(user, **_kwargs) -> None:
    erase_account(user.id)
    own_posts = select(Post.id).where(Post.user_id == user.id)
    # Who saw whose number: the account's reveals, and others' reveals of its posts. Neither
    # has anyone left to be shown to.
    db.session.execute(
        delete(ContactReveal).where(
            or_(ContactReveal.viewer_id == user.id, ContactReveal.post_id.in_(own_posts))
        )
    )
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user.id))
    moderation().posts_erased(own_posts)
    moderation().account_erased(user.id)
