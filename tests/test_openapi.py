"""The OpenAPI document is valid and generated from the schemas; the docs page needs no CDN."""

import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_openapi_document_describes_routes_and_problem_errors(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/medicines", "/healthz", "/readyz"} <= set(document["paths"])
    medicine = document["components"]["schemas"]["Medicine"]
    assert {"code", "name", "units", "postable"} <= set(medicine["properties"])
    error = document["components"]["responses"]["UNPROCESSABLE_ENTITY"]
    assert set(error["content"]) == {"application/problem+json"}
    not_ready = document["paths"]["/readyz"]["get"]["responses"]["503"]
    assert not_ready == {"$ref": "#/components/responses/SERVICE_UNAVAILABLE"}
    unavailable = document["components"]["responses"]["SERVICE_UNAVAILABLE"]
    assert set(unavailable["content"]) == {"application/problem+json"}
    assert "/api/v1/_probe/echo" not in document["paths"]


def test_docs_page_loads_only_assets_served_here(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert '"validatorUrl": null' in html, (
        "Swagger UI must not send the document to an outside validator"
    )
    for source in sources:
        assert not re.match(r"^(https?:)?//", source), f"{source} would reach outside the machine"
        with client.get(source) as asset:
            assert asset.status_code == 200


def test_every_schema_property_says_its_type(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    untyped = [
        f"{name}.{field}"
        for name, schema in schemas.items()
        for field, spec in schema.get("properties", {}).items()
        if not {"type", "$ref", "allOf", "oneOf", "anyOf"} & set(spec)
    ]
    assert not untyped


def test_operations_that_need_a_token_say_so_and_document_401(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    secured = [
        (operation, path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if method != "parameters" and operation.get("security")
    ]
    assert {path for _, path in secured} >= {"/api/v1/me", "/api/v1/auth/refresh"}
    assert all("401" in operation["responses"] for operation, _ in secured)
