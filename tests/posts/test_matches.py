"""Matches: the owner of a post sees the nearest open posts of the other kind that share one of
its medicines."""

import pytest

from tests.factories import PEOPLES_SQUARE, make_post
from tests.posts.conftest import POSTS, past_its_time


def matches(client, post, headers, **query):
    response = client.get(f"{POSTS}/{post.id}/matches", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_a_need_is_shown_the_nearest_offers_sharing_a_medicine(client, poster, db_session):
    owner, headers = poster()
    need = make_post(owner, kind="need", medicines=("ibuprofen", "antigen-test"))
    other, _ = poster()
    far = make_post(other, at=PEOPLES_SQUARE.offset(0, 3000), medicines=("antigen-test",))
    near = make_post(other, at=PEOPLES_SQUARE.offset(1000, 0), medicines=("ibuprofen",))
    both = make_post(
        other, at=PEOPLES_SQUARE.offset(-2000, 0), medicines=("ibuprofen", "antigen-test")
    )
    # None of these match.
    make_post(other, at=PEOPLES_SQUARE.offset(300, 0), medicines=("acetaminophen",))
    make_post(other, kind="need", at=PEOPLES_SQUARE.offset(400, 0))
    make_post(other, status="resolved", at=PEOPLES_SQUARE.offset(500, 0))
    make_post(other, status="withdrawn", at=PEOPLES_SQUARE.offset(500, 0))
    past_its_time(other, at=PEOPLES_SQUARE.offset(600, 0))
    make_post(owner, at=PEOPLES_SQUARE.offset(100, 0))
    db_session.commit()

    found = matches(client, need, headers)
    assert [post["id"] for post in found] == [near.id, both.id, far.id]
    assert [post["distance"]["metres"] for post in found] == [1000, 2000, 3000]
    assert all(post["kind"] == "offer" for post in found)


def test_an_offer_is_shown_needs(client, poster, db_session):
    owner, headers = poster()
    offer = make_post(owner, kind="offer", medicines=("acetaminophen",))
    other, _ = poster()
    need = make_post(other, kind="need", medicines=("acetaminophen",), urgency=("infant",))
    make_post(other, kind="offer", medicines=("acetaminophen",))
    db_session.commit()
    assert [post["id"] for post in matches(client, offer, headers)] == [need.id]


def test_matches_show_the_public_view_in_the_system_asked(client, poster, db_session):
    owner, headers = poster()
    need = make_post(owner, kind="need")
    other, _ = poster()
    make_post(other, at=PEOPLES_SQUARE.offset(1000, 0))
    db_session.commit()
    [wgs] = matches(client, need, headers)
    [gcj] = matches(client, need, headers, coordinate_system="gcj02")
    assert "contact_phone" not in wgs and "location" not in wgs and "is_own" not in wgs
    assert gcj["approximate_location"]["coordinate_system"] == "gcj02"
    assert gcj["approximate_location"] != wgs["approximate_location"]


def test_a_post_with_no_match_has_an_empty_list(client, poster, db_session):
    owner, headers = poster()
    need = make_post(owner, kind="need")
    db_session.commit()
    assert matches(client, need, headers) == []


@pytest.mark.parametrize("status", ["resolved", "expired", "deleted"])
def test_a_closed_post_has_no_matches_to_show(client, poster, db_session, status):
    user, headers = poster()
    post = make_post(user, kind="need", status=status)
    make_post(poster()[0], kind="offer")
    db_session.commit()
    response = client.get(f"{POSTS}/{post.id}/matches", headers=headers)
    assert (response.status_code, response.json["code"]) == (409, "post_not_open")
