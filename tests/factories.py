"""Rows for tests, built the way the service builds them (grid point, encrypted contact)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.areas.service import district_code_at, district_name
from app.auth.lookup import mask_mobile
from app.auth.models import User, UserVerification
from app.auth.tokens import start_session
from app.catalog.models import CatalogEdition, Medicine
from app.catalog.service import load_edition
from app.extensions import db
from app.me.service import grant_consent, policies
from app.posts.contact import encrypt_phone
from app.posts.models import Post, PostItem
from app.posts.public import note_columns
from app.posts.service import lifetime, public_position_of
from geo.points import LonLat

PEOPLES_SQUARE = LonLat(121.4737, 31.2304)


def current_medicine(code: str) -> Medicine:
    """The current edition's entry, loading the edition first in a test that has not."""
    query = (
        select(Medicine)
        .join(CatalogEdition)
        .where(CatalogEdition.is_current, Medicine.code == code)
    )
    medicine = db.session.scalar(query)
    if medicine is None:
        load_edition()
        medicine = db.session.scalar(query)
    return medicine


def make_post(
    user,
    *,
    kind: str = "offer",
    status: str = "open",
    at: LonLat = PEOPLES_SQUARE,
    medicines: tuple[str, ...] = ("ibuprofen",),
    phone: str = "19900001234",
    created_at: datetime | None = None,
    expires_at: datetime | None = None,
    urgency: tuple[str, ...] = (),
    area_code: str | None = None,
    note: str = "",
    partner_id: int | None = None,
    resolved_at: datetime | None = None,
) -> Post:
    """An open post (by default) of user's, flushed so it has an id."""
    now = datetime.now(UTC)
    created_at = created_at or now
    area_code = area_code or district_code_at(at)
    items = []
    for position, code in enumerate(medicines):
        medicine = current_medicine(code)
        unit = next(iter(medicine.unit_caps))
        item = PostItem(medicine=medicine, position=position, quantity=1, unit=unit)
        if kind == "offer":
            item.pack_expires_on = (now + timedelta(days=90)).date()
            item.sealed = True
        items.append(item)
    post = Post(
        user=user,
        kind=kind,
        status=status,
        catalog_edition_id=items[0].medicine.edition_id,
        location=at.to_ewkt(),
        public_position=public_position_of(at),
        area_code=area_code,
        area_name=district_name(area_code),
        partner_id=partner_id,
        **note_columns(note),
        urgency=list(urgency),
        contact_phone_encrypted=encrypt_phone(phone),
        contact_phone_masked=mask_mobile(phone),
        created_at=created_at,
        expires_at=expires_at or created_at + lifetime(kind),
        resolved_at=(resolved_at or now) if status == "resolved" else None,
        items=items,
    )
    db.session.add(post)
    db.session.flush()
    return post


def committed_verified_user(display_name: str) -> tuple[User, str]:
    """A new user verified to the identity level with every current consent, committed (for
    tests that serve committed rows to other connections), and an access token of theirs."""
    user = User(
        display_name=display_name,
        verifications=[UserVerification(level="identity", provider="test")],
    )
    db.session.add(user)
    db.session.flush()
    for purpose, policy in policies().items():
        grant_consent(user, purpose, policy["current"])
    token = start_session(user, "h5").access_token
    db.session.commit()
    return user, token
