"""Making posts and what their owners do with them: resolve, renew, edit the note, delete."""

import random
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app.areas.service import district_code_at
from app.auth.lookup import NotAMainlandMobile, mask_mobile, normalise_mainland_mobile
from app.auth.models import User
from app.auth.service import require_level
from app.catalog.models import CatalogEdition, Medicine
from app.china_time import today_in_china
from app.errors import DomainError, FieldsInvalid
from app.extensions import db
from app.me.service import require_consent
from app.moderation.cases import screen_post
from app.posts import idempotency
from app.posts.contact import encrypt_phone
from app.posts.models import PUBLIC_SRID, RENEWABLE_STATUSES, Post, PostItem
from geo.coordinates import in_mainland_china, to_wgs84
from geo.mercator import to_mercator
from geo.points import LonLat
from geo.privacy import snap_to_grid
from moderation.masking import mask_personal_data

# Half a metre, in Mercator metres: far below the cell and the 100 m steps distances are shown in.
PUBLIC_JITTER_M = 0.5
_jitter = random.SystemRandom()
# Statuses in which a post may be seen by people other than its owner, by its link.
PUBLIC_STATUSES = ("open", "expired", "resolved")
EDITABLE_STATUSES = (*RENEWABLE_STATUSES, "held")
NOT_IN_CATALOG = "Not in the catalog of medicines that may be shared."
LISTED_TWICE = "Listed twice in this post."
PACK_EXPIRES_TOO_SOON = "The pack must stay usable for at least {days} more days."
OUTSIDE_MAINLAND = "MedShare serves mainland China; this place is outside it."
NOT_A_MOBILE = "Enter a mainland mobile number: 11 digits starting with 13 to 19."


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


def create_post(
    user: User,
    body: dict,
    idempotency_key: str | None = None,
    partner_id: int | None = None,
) -> tuple[Post, bool]:
    """Publish a need or an offer on the square.

    Args:
        user: the poster; needs the posting verification level and the location and contact
            consents.
        body: the request as PostCreateSchema loaded it.
        idempotency_key: the client's Idempotency-Key, if it sent one.
        partner_id: the partner whose key the request carried (the post's channel), if any.

    Returns:
        The post, and whether this call created it (False: an earlier call with the key did).

    Raises:
        NotVerified, ConsentRequired, TooManyOpenPosts, FieldsInvalid (naming each bad field),
        IdempotencyKeyInFlight, IdempotencyKeyReused.
    """
    _require_may_post(user)
    body_fingerprint = idempotency.fingerprint(body)
    if idempotency_key is not None:
        earlier = idempotency.claim(user.id, idempotency_key, body_fingerprint)
        if earlier is not None:
            return db.session.get(Post, earlier), False

    edition, items, item_errors = _checked_items(body)
    location, phone, place_errors = _checked_place_and_phone(body)
    if item_errors or place_errors:
        # All at once: a poster who fixes one field should not meet the next on resubmitting.
        raise FieldsInvalid(errors={**item_errors, **place_errors})
    _make_room_for_an_open_post(user)

    now = datetime.now(UTC)
    post = Post(
        user_id=user.id,
        kind=body["kind"],
        catalog_edition_id=edition.id,
        location=location.to_ewkt(),
        public_position=public_position_of(location),
        area_code=district_code_at(location),
        partner_id=partner_id,
        note=body["note"],
        address_hint=body.get("address_hint") or None,
        urgency=sorted(set(body["urgency"])),
        contact_phone_encrypted=encrypt_phone(phone),
        contact_phone_masked=mask_mobile(phone),
        created_at=now,
        expires_at=now + lifetime(body["kind"]),
        items=items,
    )
    db.session.add(post)
    db.session.flush()
    # Trading words hold the post for a moderator; the poster still gets it back, as "held".
    screen_post(post, new=True)
    if idempotency_key is not None:
        idempotency.remember(user.id, idempotency_key, body_fingerprint, post.id)
    db.session.commit()
    return post, True


def _require_may_post(user: User) -> None:
    """What putting a post on the square needs, whether new or renewed."""
    require_level(user, "post")
    require_consent(user, "location")
    require_consent(user, "contact")


def public_position_of(location: LonLat) -> str:
    """EWKT of the public point of a post at location: its grid cell's centre, in Mercator.

    A random jitter of under half a metre, unrelated to the spot, keeps two posts of one cell
    from sharing a distance to anyone, which nearest-first paging needs (see app/square).
    """
    x, y = to_mercator(snap_to_grid(location, current_app.config["PUBLIC_GRID_METRES"]))
    x += _jitter.uniform(-PUBLIC_JITTER_M, PUBLIC_JITTER_M)
    y += _jitter.uniform(-PUBLIC_JITTER_M, PUBLIC_JITTER_M)
    return f"SRID={PUBLIC_SRID};POINT({x!r} {y!r})"


def _make_room_for_an_open_post(user: User) -> None:
    """Check the open-post limit, holding the poster's row until commit so that two
    simultaneous creates (or renewals) cannot both squeeze under it.

    Raises:
        TooManyOpenPosts: the user has OPEN_POSTS_PER_USER open posts already.
    """
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    limit = current_app.config["OPEN_POSTS_PER_USER"]
    if open_post_count(user) >= limit:
        raise TooManyOpenPosts(limit=limit)


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


def _checked_items(body: dict) -> tuple[CatalogEdition, list[PostItem], dict[str, list[str]]]:
    edition = db.session.scalar(select(CatalogEdition).where(CatalogEdition.is_current))
    codes = [item["medicine"] for item in body["items"]]
    medicines = {
        medicine.code: medicine
        for medicine in db.session.scalars(
            select(Medicine).where(
                Medicine.edition_id == edition.id, Medicine.enabled, Medicine.code.in_(codes)
            )
        )
    }
    errors: dict[str, list[str]] = {}
    items: list[PostItem] = []
    seen: set[str] = set()
    earliest_expiry = today_in_china(datetime.now(UTC)) + timedelta(
        days=current_app.config["PACK_MIN_DAYS_TO_EXPIRY"]
    )
    for index, item in enumerate(body["items"]):
        field = f"items.{index}"
        medicine = medicines.get(item["medicine"])
        if medicine is None:
            errors[f"{field}.medicine"] = [NOT_IN_CATALOG]
            continue
        if item["medicine"] in seen:
            errors[f"{field}.medicine"] = [LISTED_TWICE]
            continue
        seen.add(item["medicine"])
        errors.update(_item_errors(field, item, medicine, body["kind"], earliest_expiry))
        items.append(
            PostItem(
                medicine=medicine,
                position=index,
                quantity=item["quantity"],
                unit=item["unit"],
                pack_expires_on=item.get("pack_expires_on"),
                sealed=item.get("sealed"),
            )
        )
    return edition, items, errors


def _item_errors(
    field: str, item: dict, medicine: Medicine, kind: str, earliest_expiry: date
) -> dict[str, list[str]]:
    errors = {}
    cap = medicine.unit_caps.get(item["unit"])
    if cap is None:
        errors[f"{field}.unit"] = [f"Must be one of: {', '.join(sorted(medicine.unit_caps))}."]
    elif item["quantity"] > cap:
        errors[f"{field}.quantity"] = [f"Must be less than or equal to {cap}."]
    if kind == "offer":
        for required in ("pack_expires_on", "sealed"):
            if required not in item:
                errors[f"{field}.{required}"] = ["Missing data for required field."]
        if item.get("pack_expires_on") and item["pack_expires_on"] < earliest_expiry:
            days = current_app.config["PACK_MIN_DAYS_TO_EXPIRY"]
            errors[f"{field}.pack_expires_on"] = [PACK_EXPIRES_TOO_SOON.format(days=days)]
    return errors


def _checked_place_and_phone(body: dict) -> tuple[LonLat, str | None, dict[str, list[str]]]:
    errors = {}
    phone = None
    given = body["location"]
    location = to_wgs84(LonLat(given["lng"], given["lat"]), given["coordinate_system"])
    if not in_mainland_china(location):
        errors["location"] = [OUTSIDE_MAINLAND]
    try:
        phone = normalise_mainland_mobile(body["contact_phone"])
    except NotAMainlandMobile:
        errors["contact_phone"] = [NOT_A_MOBILE]
    return location, phone, errors


def post_for_reader(post_id: int, reader: User | None) -> Post:
    """A post as its owner, or anyone else by its link, may see it.

    Raises:
        PostNotFound: no such post, or one others may no longer see (removed, withdrawn,
            deleted), so that its existence does not leak.
    """
    post = db.session.get(Post, post_id)
    if post is None or (not is_owner(post, reader) and post.status not in PUBLIC_STATUSES):
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


def posts_of(user: User) -> list[Post]:
    """The user's posts in every state but deleted, newest first."""
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.user_id == user.id, Post.status != "deleted")
            .order_by(Post.created_at.desc(), Post.id.desc())
        )
    )


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
    if post is None or (post.user_id != user.id and post.status not in PUBLIC_STATUSES):
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
    post.status = "resolved"
    post.resolved_at = datetime.now(UTC)
    db.session.commit()
    return post


def renew_post(post_id: int, user: User) -> Post:
    """Give an open or expired post a fresh lifetime from now, back on the square.

    Raises:
        PostClosed: the post is resolved, removed, withdrawn or deleted.
        NotVerified, ConsentRequired: the owner may no longer post.
        TooManyOpenPosts: renewing an expired post would pass the open-post limit.
    """
    post = owned_post(post_id, user)
    if post.status == "held":
        raise PostUnderReview
    if post.status not in RENEWABLE_STATUSES:
        raise PostClosed
    _require_may_post(user)
    now = datetime.now(UTC)
    if post.expires_at <= now:
        _make_room_for_an_open_post(user)
    post.status = "open"
    post.expires_at = now + lifetime(post.kind)
    post.renewed_at = now
    db.session.commit()
    return post


def edit_note(post_id: int, user: User, note: str) -> Post:
    """Change the note of the owner's post: open, out of time (to renew it after), or held for
    review (to take out what held it). The new note is screened like a new post's.

    Raises:
        PostClosed: the post is resolved, hidden, removed, withdrawn or deleted.
    """
    post = owned_post(post_id, user)
    if post.status not in EDITABLE_STATUSES:
        # Only a post that is, or may again be, on the square has a note worth changing.
        raise PostClosed
    edited_from = post.note
    masked_by_hand = post.public_note is not None
    post.note = note
    # A moderator's masking was of the old words; the new ones go back to a moderator.
    post.public_note = None
    db.session.flush()
    screen_post(post, edited_from=edited_from, masked_by_hand=masked_by_hand)
    db.session.commit()
    return post


def delete_post(post_id: int, user: User) -> None:
    """Take a post down for good; its contact number, hint and exact spot are erased.

    The row stays (reports and contact reveals point at it), at its public grid point only.
    Deleting again is a no-op.
    """
    post = owned_post(post_id, user)
    if post.status == "deleted":
        return
    post.status = "deleted"
    post.resolved_at = None
    erase_personal_details(post)
    db.session.commit()


def erase_personal_details(post: Post) -> None:
    """Forget what points at the poster: number, meeting hint, the spot (kept at its cell), and
    whatever personal data the note held (kept as everyone else saw it, masked)."""
    post.note = post.public_note or mask_personal_data(post.note)
    post.public_note = None
    post.contact_phone_encrypted = None
    post.contact_phone_masked = None
    post.address_hint = None
    post.location = func.ST_Transform(post.public_position, 4326)


def expire_posts() -> int:
    """Mark open posts past their time as expired, so they leave the square's indexes.

    The square already hides them by expires_at; this keeps its partial indexes small.
    """
    result = db.session.execute(
        update(Post)
        .where(Post.status == "open", Post.expires_at <= func.now())
        .values(status="expired")
    )
    db.session.commit()
    return result.rowcount


def _refuse_closed(post: Post) -> None:
    # Held and hidden posts wait on, or were taken down by, a moderator: resolving one would
    # show it by its link again.
    if post.status == "held":
        raise PostUnderReview
    if post.status in ("hidden", "removed", "withdrawn", "deleted"):
        raise PostClosed
