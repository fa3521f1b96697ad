"""Fixtures for a user's rights: an account that did everything there is to do, over the API."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.moderation.models import ModerationCase
from tests.moderation.conftest import moderator, staff_api  # noqa: F401
from tests.moderation.items import SALE_NOTE
from tests.posts.conftest import POSTS, create, offer_body, poster  # noqa: F401

# What the account wrote, each a family of its own: a mobile, a WeChat handle, a landline, an
# address, words that say who they are. None of it may outlive the account in clear.
PHONE = "13987654321"
HANDLE = "wx_chen_1987"
LANDLINE = "0755-26781234"
CONTACT = "15811112222"
# Someone else's contact number, which the account saw.
OTHER_CONTACT = "13700001111"
ADDRESS = "翠竹苑 7 栋 1203 室门口"
WORDS = "陈阿姨家孩子"
NOTE = f"{WORDS}用不完，电话 {PHONE}，微信 {HANDLE}"
# An exact spot (WGS 84) well inside a 500 m grid cell, so the grid point is clearly elsewhere.
SPOT = {"lat": 22.54321, "lng": 114.05987}
CLEAR = (PHONE, HANDLE, LANDLINE, CONTACT, ADDRESS, WORDS)
# The contact number is only ever stored encrypted.
IN_CLEAR_BEFORE = tuple(needle for needle in CLEAR if needle != CONTACT)


@dataclass
class Busy:
    user: User
    headers: dict
    other_headers: dict
    posts: list[int]
    other_post: int


@pytest.fixture
def busy_account(client, poster, create, moderator, db_session):  # noqa: F811
    """An account with an open post, a held post that a moderator hid and it appealed, a note
    edit, a report on someone else's post, a reveal it made and one of its number."""
    user, headers = poster("陈*")
    _, other_headers = poster("王*")

    def made(body, owner=headers):
        answer = create(owner, body)
        assert answer.status_code == 201, answer.get_json()
        return answer.json

    open_post = made(
        offer_body(note=NOTE, contact_phone=CONTACT, address_hint=ADDRESS, location=SPOT)
    )
    held = made(offer_body(note=f"{SALE_NOTE} {WORDS} 座机 {LANDLINE}", location=SPOT))
    assert held["status"] == "held"
    other = made(offer_body(contact_phone=OTHER_CONTACT), other_headers)

    # Editing a held post's note is audited (masked), under the poster's pseudonym.
    edited = client.patch(
        f"{POSTS}/{held['id']}",
        json={"note": f"{SALE_NOTE} {NOTE} 座机 {LANDLINE}"},
        headers=headers,
    )
    assert edited.status_code == 200, edited.get_json()
    reported = client.post(
        f"{POSTS}/{other['id']}/reports",
        json={"reason": "other", "note": f"{WORDS}觉得可疑，联系 {PHONE}"},
        headers=headers,
    )
    assert reported.status_code == 201, reported.get_json()
    for post_id, viewer in ((other["id"], headers), (open_post["id"], other_headers)):
        assert client.post(f"{POSTS}/{post_id}/contact", headers=viewer).status_code == 200

    case_id = db_session.scalar(
        select(ModerationCase.id).where(
            ModerationCase.post_id == held["id"], ModerationCase.state == "open"
        )
    )
    hidden = moderator.claim_and_decide(case_id, "hide", reason="疑似出售")
    assert hidden.status_code == 200, hidden.get_json()
    appealed = client.post(
        f"{POSTS}/{held['id']}/appeal",
        json={"note": f"{WORDS}是免费送的，不信打 {PHONE}"},
        headers=headers,
    )
    assert appealed.status_code == 201, appealed.get_json()
    return Busy(user, headers, other_headers, [open_post["id"], held["id"]], other["id"])
