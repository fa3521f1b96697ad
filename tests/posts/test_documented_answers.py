"""Every post answer the presenter writes carries exactly the fields, of the types, that the
OpenAPI document gives for it (the schemas document; app/posts/presenter.py writes)."""

from tests.posts.conftest import offer_body


def _resolve(schema: dict, document: dict) -> dict:
    """A schema with its $ref (and a single allOf) replaced by what it points at."""
    while "$ref" in schema or "allOf" in schema:
        if "allOf" in schema:
            schema = schema["allOf"][0]
        else:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool}


def _shape_errors(value, schema: dict, document: dict, where: str) -> list[str]:
    """Where an answer's value differs from its documented schema: missing or undocumented
    keys, or a value of another type than documented."""
    schema = _resolve(schema, document)
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null, not documented nullable"]
    if schema.get("type") == "array":
        return [
            error
            for index, item in enumerate(value)
            for error in _shape_errors(item, schema["items"], document, f"{where}.{index}")
        ]
    if "properties" in schema:
        documented = set(schema["properties"])
        errors = [f"{where}: undocumented {sorted(set(value) - documented)}"] * bool(
            set(value) - documented
        )
        for key in set(value) & documented:
            errors += _shape_errors(
                value[key], schema["properties"][key], document, f"{where}.{key}"
            )
        return errors
    expected = TYPES.get(schema.get("type"))
    if expected and (
        not isinstance(value, expected) or isinstance(value, bool) != (expected is bool)
    ):
        return [f"{where}: {value!r} is not {schema['type']}"]
    return []


def _answer_schema(document: dict, path: str, method: str, status: str) -> dict:
    content = document["paths"][path][method]["responses"][status]["content"]
    return content["application/json"]["schema"]


def test_post_answers_are_what_the_document_says(client, poster, create):
    """The presenter writes every post answer; the schemas document them. Held together here."""
    document = client.get("/api/v1/openapi.json").get_json()
    _, headers = poster()
    made = create(headers, offer_body(note="微信 wx_liu2022，电话 13912345678"))
    post_id = made.json["id"]
    _, other = poster()
    answers = [
        (made.json, "/api/v1/posts", "post", "201"),
        (
            client.get("/api/v1/posts", query_string={"lat": 31.23, "lng": 121.47}).json,
            "/api/v1/posts",
            "get",
            "200",
        ),
        (client.get(f"/api/v1/posts/{post_id}").json, "/api/v1/posts/{post_id}", "get", "200"),
        (
            client.get(f"/api/v1/posts/{post_id}", headers=other).json,
            "/api/v1/posts/{post_id}",
            "get",
            "200",
        ),
        (
            client.get("/api/v1/posts/mine", headers=headers).json,
            "/api/v1/posts/mine",
            "get",
            "200",
        ),
    ]
    for answer, path, method, status in answers:
        schema = _answer_schema(document, path, method, status)
        assert _shape_errors(answer, schema, document, f"{method} {path}") == []
    owner_fields = set(_resolve({"$ref": "#/components/schemas/Post"}, document)["properties"])
    # Distance only when the reader said where they are; the create's answer has no reader.
    assert set(made.json) == owner_fields - {"distance"}
    square = client.get("/api/v1/posts", query_string={"lat": 31.23, "lng": 121.47}).json
    public_fields = set(
        _resolve({"$ref": "#/components/schemas/PublicPost"}, document)["properties"]
    )
    assert all(set(shown) == public_fields for shown in square["posts"])
