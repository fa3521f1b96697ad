"""A post by its link: the public view for everyone, all of it for its owner, and nowhere a
phone number or an exact spot for anyone else."""

from tests.posts.conftest import POSTS, offer_body

OWNER_ONLY = {
    "location",
    "contact_phone",
    "address_hint",
    "catalog_edition",
    "renewed_at",
    "updated_at",
}


def test_anyone_signed_out_sees_the_public_view(client, poster, create):
    _, headers = poster()
    post_id = create(headers, offer_body()).json["id"]
    response = client.get(f"{POSTS}/{post_id}")
    assert response.status_code == 200
    assert response.json["is_own"] is False
    assert not OWNER_ONLY & set(response.json)
