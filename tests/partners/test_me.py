"""GET /api/v1/partners/me: a partner's server reads what MedShare knows of it."""

import pytest

from app.partners.keys import read_key
from tests.partners.conftest import PARTNER_ORIGIN, key_headers

ME = "/api/v1/partners/me"


def test_a_partners_server_reads_its_profile_and_keys_without_secrets(client, issue):
    secret, public = issue("secret"), issue("public")
    answer = client.get(ME, headers=key_headers(secret))
    assert answer.status_code == 200, answer.get_json()
    body = answer.json
    assert (body["code"], body["tier"], body["origins"]) == (
        "sz-health",
        "standard",
        [PARTNER_ORIGIN],
    )
    assert body["limits"] == {"reads": "3000 per minute", "writes": "300 per minute"}
    assert {key["public_id"] for key in body["keys"]} == {
        read_key(secret).public_id,
        read_key(public).public_id,
    }
    assert read_key(secret).secret not in answer.get_data(as_text=True)


@pytest.mark.parametrize("kind", [None, "public"])
def test_without_a_secret_key_the_answer_is_401(client, issue, kind):
    headers = key_headers(issue(kind), PARTNER_ORIGIN) if kind else {}
    answer = client.get(ME, headers=headers)
    assert answer.status_code == 401
    assert answer.json["code"] == "secret_key_required"


def test_the_openapi_document_describes_the_api_key_scheme(client):
    document = client.get("/api/v1/openapi.json").get_json()
    scheme = document["components"]["securitySchemes"]["apiKeyAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Api-Key")
    assert document["paths"][ME]["get"]["security"] == [{"apiKeyAuth": []}]
