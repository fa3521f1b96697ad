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


# Routes under /api/ that are the document and its page, not operations in it.
NOT_OPERATIONS = {
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "swagger_ui_assets.static",
}
# The probes tests/probe_routes.py adds to the test app only.
PROBE_PREFIX = "/api/v1/_probe"
CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
API_ROUTE = re.compile(r"^/(api/|healthz$|readyz$)")


def routed_operations(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every API route the app serves."""
    return {
        (method.lower(), CONVERTER.sub(r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if API_ROUTE.match(rule.rule)
        and rule.endpoint not in NOT_OPERATIONS
        and not rule.rule.startswith(PROBE_PREFIX)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_is_in_the_document_and_every_documented_operation_is_routed(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    documented = {
        (method, path)
        for path, operations in paths.items()
        for method in operations
        if method != "parameters"
    }
    routed = routed_operations(app)
    assert routed - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routed == set(), "documented operations that nothing serves"
    assert len(routed) > 40
