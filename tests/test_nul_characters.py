"""A NUL character anywhere in what a client sends is a field error, never a 500."""

import pytest


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "field"),
    [
        ("get", "/api/v1/medicines", {"query_string": {"q": "a\x00b"}}, "q"),
        ("get", "/api/v1/districts", {"query_string": {"q": "a\x00b"}}, "q"),
        ("get", "/api/v1/posts", {"query_string": {"medicine": "ibu\x00profen"}}, "medicine"),
        ("post", "/api/v1/posts/search", {"json": {"medicine": ["ibu\x00"]}}, "medicine.0"),
        (
            "post",
            "/api/v1/auth/sms/codes",
            {"json": {"mobile": "139\x0012345678"}},
            "mobile",
        ),
        ("post", "/moderation/sign-in", {"data": {"username": "a\x00b"}}, "username"),
    ],
)
def test_nul_in_a_field_is_refused_and_named(client, catalog, method, url, kwargs, field):
    answer = getattr(client, method)(url, **kwargs)
    assert answer.status_code == 422
    if url.startswith("/api/"):
        assert answer.get_json()["errors"] == {field: ["文本中不能包含空字符（NUL）。"]}


def test_nul_deep_in_a_post_body_names_its_path(client, catalog):
    body = {"kind": "need", "items": [{"medicine": "ibu\x00", "quantity": 1, "unit": "tablet"}]}
    answer = client.post("/api/v1/posts/search", json=body, headers={"Accept-Language": "en"})
    assert answer.get_json()["errors"] == {
        "items.0.medicine": ["Text may not contain the NUL character."]
    }
