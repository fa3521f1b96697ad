"""Making a post in as few statements as its rules allow (tests/test_statements.py counts them).

1. The token's session check, which loads the account and its levels (app.auth.tokens).
2. Who may post: the consents in force and the catalog's fingerprint, with an Idempotency-Key
   its claim, while taking the poster's row lock that serialises their creates.
3. The post, its items and its key in one statement, which also finds the post's county and
   counts the poster's open posts (after the lock, so two creates cannot both squeeze under the
   limit).
4. Only when screening holds the post: moderation's case and its audit entry (two).

The catalog comes from the worker's copy (app/posts/catalog.py), the answer from what the create
holds. A key seen before replays its post as stored.
"""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import (
    Float,
    Integer,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
)

from app.areas.models import District
from app.areas.service import finest_district_code
from app.auth.lookup import NotAMainlandMobile, mask_mobile, normalise_mainland_mobile
from app.auth.models import User
from app.auth.service import require_level
from app.china_time import today_in_china
from app.errors import FieldsInvalid
from app.extensions import db
from app.me.service import consents_in_force, require_consents_among
from app.posts import idempotency, lifecycle, views
from app.posts.catalog import Catalog, Entry, current_catalog, fingerprint_column
from app.posts.contact import encrypt_phone
from app.posts.models import PUBLIC_SRID, Post, PostItem
from app.posts.moderation_hook import moderation
from app.posts.presenter import Reader, owner_post
from app.posts.public import note_columns
from app.posts.service import TooManyOpenPosts, lifetime, public_xy
from app.sql_cache import ShapeCache
from geo.coordinates import in_mainland_china, to_wgs84
from geo.points import LonLat

POSTING_CONSENTS = ("location", "contact")
NOT_IN_CATALOG = "Not in the catalog of medicines that may be shared."
LISTED_TWICE = "Listed twice in this post."
PACK_EXPIRES_TOO_SOON = "The pack must stay usable for at least {days} more days."
OUTSIDE_MAINLAND = "MedShare serves mainland China; this place is outside it."
NOT_A_MOBILE = "Enter a mainland mobile number: 11 digits starting with 13 to 19."
ITEM_FIELDS = ("medicine_id", "position", "quantity", "unit", "pack_expires_on", "sealed")
# Inserts of a post with its items and key, compiled once per number of items, with and
# without a key.
_INSERTS = ShapeCache(lone_read=False)
# Who may post, with and without a key.
_GATES = ShapeCache(lone_read=False)


def create_post(
    user: User,
    body: dict,
    idempotency_key: str | None,
    reader: Reader,
    partner_id: int | None = None,
) -> tuple[dict, int, bool]:
    """Publish a need or an offer on the square.

    Args:
        user: the poster; needs the posting verification level and the location and contact
            consents.
        body: the request as PostCreateSchema loaded it.
        idempotency_key: the client's Idempotency-Key, if it sent one.
        reader: how the answer shows places (the coordinate system the body used).
        partner_id: the partner whose key the request carried (the post's channel), if any.

    Returns:
        The owner's view of the post, its id, and whether this call created it (False: an
        earlier call with the key did).

    Raises:
        NotVerified, ConsentRequired, TooManyOpenPosts, FieldsInvalid (naming each bad field),
        IdempotencyKeyInFlight, IdempotencyKeyReused.
    """
    require_level(user, "post")
    body_fingerprint = idempotency.fingerprint(body)
    gate = _who_may_post(user, idempotency_key)
    require_consents_among(gate.consents, *POSTING_CONSENTS)
    if idempotency_key is not None:
        earlier = idempotency.claim_of(gate, body_fingerprint)
        if earlier is not None:
            return views.owner_page(earlier, user, reader), earlier, False

    catalog = current_catalog(gate.catalog)
    items, item_errors = _checked_items(body, catalog)
    location, phone, place_errors = _checked_place_and_phone(body)
    if item_errors or place_errors:
        # All at once: a poster who fixes one field should not meet the next on resubmitting.
        raise FieldsInvalid(errors={**item_errors, **place_errors})

    hint = body.get("address_hint") or None
    # Trading words hold the post for a moderator; the poster still gets it back, as "held".
    screening = moderation().screen_new({"note": body["note"], "address_hint": hint})
    now = datetime.now(UTC)
    x, y = public_xy(location)
    post = {
        "user_id": user.id,
        "kind": body["kind"],
        "status": lifecycle.first_status(held=screening is not None),
        "catalog_edition_id": catalog.edition_id,
        "partner_id": partner_id,
        **note_columns(body["note"]),
        "address_hint": hint,
        "urgency": sorted(set(body["urgency"])),
        "contact_phone_encrypted": encrypt_phone(phone),
        "contact_phone_masked": mask_mobile(phone),
        "created_at": now,
        "updated_at": now,
        "expires_at": now + lifetime(body["kind"]),
    }
    written = _insert(post, location, (x, y), items, idempotency_key, body_fingerprint)
    if written is None:
        raise TooManyOpenPosts(limit=current_app.config["OPEN_POSTS_PER_USER"])
    if idempotency_key is not None and not written.key_written:
        # Another request with the key committed between this one's claim and its write.
        db.session.rollback()
        earlier = idempotency.claim(user.id, idempotency_key, body_fingerprint)
        return views.owner_page(earlier, user, reader), earlier, False
    if screening is not None:
        moderation().held_new(written.id, post["kind"], post["urgency"], screening)
    db.session.commit()
    row = SimpleNamespace(
        post_id=written.id,
        **post,
        area_code=written.area_code,
        area_name=written.area_name,
        x=x,
        y=y,
        resolved_at=None,
        renewed_at=None,
        location_lng=location.lon,
        location_lat=location.lat,
        catalog_edition=catalog.edition_code,
        items=[_item_row(item) for item in items],
    )
    shown = moderation().outcome(
        moderation().new_post_outcome(held=screening is not None), row.status, row.public_note
    )
    answer = owner_post(
        row, reader, views.request_language(), contact_phone=phone, moderation=shown
    )
    return answer, written.id, True


def _who_may_post(user: User, idempotency_key: str | None):
    """Statement 2: the consents in force, the catalog's fingerprint and the key's claim, with
    the poster's row locked until commit."""
    values = {"user_id": user.id}
    if idempotency_key is not None:
        values |= {"key": idempotency_key, "oldest_kept": idempotency.oldest_kept()}
    [row] = _GATES.rows(
        idempotency_key is not None, lambda: _who_may_post_statement(idempotency_key), values
    )
    return row


def _who_may_post_statement(idempotency_key: str | None):
    user_id = bindparam("user_id", type_=Integer)
    columns = [
        consents_in_force(User.id).label("consents"),
        fingerprint_column().label("catalog"),
    ]
    if idempotency_key is not None:
        columns += idempotency.claim_columns(user_id, bindparam("key", type_=String))
    return select(*columns).where(User.id == user_id).with_for_update(of=User)


def _insert(post: dict, location: LonLat, xy, items: list[dict], idempotency_key, fingerprint):
    """Statement 3, compiled once per shape (how many items, whether with a key): the post
    (with its county found, if the poster has room for it), its items (the post_items trigger
    copies the post's fields, which it sees inside the statement) and its key."""
    x, y = xy
    values = {
        **{f"post_{name}": value for name, value in post.items()},
        "spot": location.to_ewkt(),
        "x": x,
        "y": y,
        "open_posts_limit": current_app.config["OPEN_POSTS_PER_USER"],
    }
    for index, item in enumerate(items):
        values |= {
            f"item_{index}_medicine_id": item["medicine"].id,
            **{f"item_{index}_{name}": item[name] for name in ITEM_FIELDS[1:]},
        }
    if idempotency_key is not None:
        values |= {
            "key": idempotency_key,
            "key_fingerprint": fingerprint,
            "oldest_kept": idempotency.oldest_kept(),
        }
    shape = (len(items), idempotency_key is not None)
    [row] = _INSERTS.rows(
        shape, lambda: _insert_statement(list(post), len(items), idempotency_key), values
    ) or [None]
    return row


def _insert_statement(names: list[str], item_count: int, idempotency_key: str | None):
    posts = Post.__table__
    spot = func.ST_GeomFromEWKT(bindparam("spot", type_=String))
    point = func.ST_SetSRID(
        func.ST_MakePoint(bindparam("x", type_=Float), bindparam("y", type_=Float)), PUBLIC_SRID
    )
    area = finest_district_code(spot, District.name_zh).subquery("area")
    one = select(literal(1).label("one")).subquery("one")
    user_id = bindparam("post_user_id", type_=posts.c.user_id.type)
    open_posts = (
        select(func.count())
        .select_from(Post)
        .where(Post.user_id == user_id, Post.status == "open", Post.expires_at > func.now())
        .scalar_subquery()
    )
    source = (
        select(
            *(_typed(f"post_{name}", posts.c[name].type) for name in names),
            spot,
            point,
            area.c.code,
            area.c.name_zh,
        )
        .select_from(one.outerjoin(area, true()))
        .where(open_posts < bindparam("open_posts_limit", type_=Integer))
    )
    new_post = (
        insert(Post)
        .from_select([*names, "location", "public_position", "area_code", "area_name"], source)
        .returning(Post.id, Post.area_code, Post.area_name)
        .cte("new_post")
    )
    items = PostItem.__table__
    given = union_all(
        *(
            select(
                *(
                    _typed(f"item_{index}_{name}", items.c[name].type).label(name)
                    for name in ITEM_FIELDS
                )
            )
            for index in range(item_count)
        )
    ).subquery("given")
    new_items = (
        insert(PostItem)
        .from_select(
            ["post_id", *ITEM_FIELDS],
            select(new_post.c.id, *(given.c[name] for name in ITEM_FIELDS)).select_from(
                new_post.join(given, true())
            ),
        )
        .cte("new_items")
    )
    answer = [new_post.c.id, new_post.c.area_code, new_post.c.area_name]
    if idempotency_key is not None:
        new_key = idempotency.remember_after(
            user_id,
            bindparam("key", type_=String),
            bindparam("key_fingerprint", type_=String),
            new_post.c.id,
        ).cte("new_key")
        answer.append(select(new_key.c.post_id).exists().label("key_written"))
    return select(*answer).add_cte(new_items)


def _typed(name: str, type_):
    # Cast: a parameter sent as NULL (a need's pack date) would otherwise reach the insert as
    # text.
    return cast(bindparam(name, type_=type_), type_)


def _item_row(item: dict) -> list:
    medicine = item["medicine"]
    return [
        medicine.code,
        medicine.name_zh,
        medicine.name_en,
        item["quantity"],
        item["unit"],
        item["pack_expires_on"],
        item["sealed"],
    ]


def _checked_items(body: dict, catalog: Catalog) -> tuple[list[dict], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    items: list[dict] = []
    seen: set[str] = set()
    earliest_expiry = today_in_china(datetime.now(UTC)) + timedelta(
        days=current_app.config["PACK_MIN_DAYS_TO_EXPIRY"]
    )
    for index, item in enumerate(body["items"]):
        field = f"items.{index}"
        medicine = catalog.entries.get(item["medicine"])
        if medicine is None or not medicine.enabled:
            errors[f"{field}.medicine"] = [NOT_IN_CATALOG]
            continue
        if item["medicine"] in seen:
            errors[f"{field}.medicine"] = [LISTED_TWICE]
            continue
        seen.add(item["medicine"])
        errors.update(_item_errors(field, item, medicine, body["kind"], earliest_expiry))
        items.append(
            {
                "medicine": medicine,
                "position": index,
                "quantity": item["quantity"],
                "unit": item["unit"],
                "pack_expires_on": item.get("pack_expires_on"),
                "sealed": item.get("sealed"),
            }
        )
    return items, errors


def _item_errors(
    field: str, item: dict, medicine: Entry, kind: str, earliest_expiry: date
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
