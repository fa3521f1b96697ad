"""Every 4xx and 5xx answer is RFC 9457 problem+json: Chinese by default, English on request."""

import io

import pytest
from werkzeug.test import EnvironBuilder

PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}


def assert_problem(response, status, code):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith(code)
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def send_raw(app, environ):
    """Call the app with this exact environ, as a WSGI server would; the test client rebuilds it."""
    return app.response_class.from_app(app, environ, buffered=True)


def chunked_echo_environ(body):
    """A JSON POST to the echo probe as a WSGI server passes a chunked body: no declared length,
    and a stream that ends where the body does."""
    environ = EnvironBuilder(
        path="/api/v1/_probe/echo",
        method="POST",
        input_stream=body,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    return environ


def has_chinese(text):
    return any("\u4e00" <= character <= "\u9fff" for character in text)


STATUS_CASES = [
    (
        "malformed JSON",
        400,
        "malformed_json",
        lambda c, h: c.post(
            "/api/v1/_probe/echo", data='{"name": ', content_type="application/json", headers=h
        ),
    ),
    (
        "unauthorized",
        401,
        "unauthorized",
        lambda c, h: c.get("/api/v1/_probe/raise/401", headers=h),
    ),
    ("forbidden", 403, "forbidden", lambda c, h: c.get("/api/v1/_probe/raise/403", headers=h)),
    ("unknown route", 404, "not_found", lambda c, h: c.get("/api/v1/no-such-thing", headers=h)),
    (
        "wrong method",
        405,
        "method_not_allowed",
        lambda c, h: c.delete("/api/v1/medicines", headers=h),
    ),
    ("conflict", 409, "conflict", lambda c, h: c.get("/api/v1/_probe/raise/409", headers=h)),
    (
        "body too large",
        413,
        "body_too_large",
        lambda c, h: c.post(
            "/api/v1/_probe/echo",
            data="x" * (64 * 1024 + 1),
            content_type="application/json",
            headers=h,
        ),
    ),
    (
        "not JSON",
        415,
        "unsupported_media_type",
        lambda c, h: c.post(
            "/api/v1/_probe/echo",
            data="name=a",
            content_type="application/x-www-form-urlencoded",
            headers=h,
        ),
    ),
    (
        "invalid field",
        422,
        "validation_failed",
        lambda c, h: c.post("/api/v1/_probe/echo", json={"name": "x" * 11}, headers=h),
    ),
    (
        "too many requests",
        429,
        "too_many_requests",
        lambda c, h: c.get("/api/v1/_probe/raise/429", headers=h),
    ),
    (
        "unexpected exception",
        500,
        "internal_error",
        lambda c, h: c.get("/api/v1/_probe/crash", headers=h),
    ),
]


@pytest.mark.parametrize(
    ("case", "status", "code", "send"), STATUS_CASES, ids=[c[0] for c in STATUS_CASES]
)
def test_every_error_status_answers_problem_json_in_chinese_by_default(
    client, case, status, code, send
):
    body = assert_problem(send(client, {}), status, code)
    assert has_chinese(body["title"]) and has_chinese(body["detail"])


@pytest.mark.parametrize(
    ("case", "status", "code", "send"), STATUS_CASES, ids=[c[0] for c in STATUS_CASES]
)
def test_every_error_status_answers_in_english_when_asked(client, case, status, code, send):
    response = send(client, EN)
    body = assert_problem(response, status, code)
    assert not has_chinese(body["title"]) and not has_chinese(body["detail"])
    assert response.headers["Content-Language"] == "en"


def test_validation_problem_names_each_field_with_nested_paths(client):
    response = client.post("/api/v1/_probe/echo", json={"items": [{"quantity": 0}], "extra": 1})
    body = assert_problem(response, 422, "validation_failed")
    assert set(body["errors"]) == {"name", "items.0.quantity", "extra"}
    assert body["errors"]["name"] == ["缺少必填字段。"]
    assert body["errors"]["items.0.quantity"] == ["必须在 1 到 20 之间。"]
    assert "name" in body["detail"]


def test_validation_messages_stay_english_for_english_readers(client):
    response = client.post("/api/v1/_probe/echo", json={}, headers=EN)
    assert response.get_json()["errors"] == {"name": ["Missing data for required field."]}


def test_query_string_validation_names_the_parameter(client):
    body = assert_problem(
        client.get("/api/v1/medicines?include_unpostable=maybe"), 422, "validation_failed"
    )
    assert body["errors"] == {"include_unpostable": ["不是有效的布尔值。"]}


def test_valid_body_passes_the_guards(client):
    response = client.post(
        "/api/v1/_probe/echo", json={"name": "布洛芬", "items": [{"quantity": 4}]}
    )
    assert response.status_code == 201
    assert response.get_json() == {"name": "布洛芬", "items": [{"quantity": 4}]}


def test_declared_oversized_body_is_refused_before_it_is_read(client):
    class UnreadableStream(io.BytesIO):
        def read(self, size=-1):
            raise AssertionError("the body was read")

        def readline(self, size=-1):
            raise AssertionError("the body was read")

    response = client.post(
        "/api/v1/_probe/echo",
        input_stream=UnreadableStream(),
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": str(10 * 1024 * 1024)},
    )
    assert_problem(response, 413, "body_too_large")


def test_body_size_limit_is_configurable(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = assert_problem(
        client.post("/api/v1/_probe/echo", data="x" * (limit + 1), content_type="application/json"),
        413,
        "body_too_large",
    )
    assert str(limit) in body["detail"]


def test_method_not_allowed_tells_which_methods_are(client):
    response = client.post("/api/v1/medicines", json={})
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_too_many_requests_tells_when_to_come_back(client):
    response = client.get("/api/v1/_probe/rate-limited")
    assert_problem(response, 429, "too_many_requests")
    assert response.headers["Retry-After"] == "30"


def test_non_json_body_on_unknown_route_is_a_404_not_a_415(client):
    response = client.post(
        "/api/v1/nowhere", data="a=b", content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 404, "not_found")


def test_domain_errors_use_the_same_shape(client):
    assert_problem(client.get("/api/v1/_probe/domain-conflict"), 409, "conflict")


def test_database_error_answers_500_and_the_next_request_still_works(client):
    assert_problem(client.get("/api/v1/_probe/database-error"), 500, "internal_error")
    assert client.get("/api/v1/medicines").status_code == 200


def test_chunked_body_over_the_limit_is_cut_off_at_the_limit(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = io.BytesIO(b'{"name": "' + b"x" * (limit * 4) + b'"}')
    assert_problem(send_raw(app, chunked_echo_environ(body)), 413, "body_too_large")
    assert body.tell() <= limit + 1, "no more than the limit was read"


def test_chunked_body_within_the_limit_is_read_whole(app, client):
    response = send_raw(app, chunked_echo_environ(io.BytesIO(b'{"name": "ibuprofen"}')))
    assert response.status_code == 201
    assert response.get_json() == {"name": "ibuprofen", "items": []}


def test_statuses_without_a_problem_code_of_their_own_still_answer_problem_json(client):
    body = assert_problem(client.get("/api/v1/_probe/raise/406"), 406, "bad_request")
    assert body["status"] == 406
    assert_problem(client.get("/api/v1/_probe/raise/501"), 501, "internal_error")
