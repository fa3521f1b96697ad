"""flask-smorest's Api, made to document and serve problem+json errors and Swagger UI offline."""

import http
import os
from typing import ClassVar

import flask_swagger_ui
import marshmallow as ma
from apispec import BasePlugin
from flask import Blueprint
from flask_smorest import Api
from flask_smorest.utils import prepare_response

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Answers asking the client to wait (a limit, a pause) say how long in Retry-After.
RETRY_AFTER_STATUSES = frozenset(
    {http.HTTPStatus.TOO_MANY_REQUESTS, http.HTTPStatus.SERVICE_UNAVAILABLE}
)
RETRY_AFTER = "Retry-After"
SWAGGER_UI_ASSETS = os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist")


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every 4xx and 5xx answer carries them."""

    type = ma.fields.String(metadata={"description": "URI naming the kind of problem"})
    title = ma.fields.String(metadata={"description": "Short summary in the negotiated language"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "What went wrong this time"})
    code = ma.fields.String(metadata={"description": "Stable machine-readable problem code"})
    request_id = ma.fields.String(metadata={"description": "Quote this when reporting a problem"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Field name -> messages, on validation problems"},
    )


class SchemaRules(BasePlugin):
    """Adds a schema's JSON_SCHEMA_RULES to its component: what its validates_schema methods
    check across fields (two fields together, one of several), said in JSON Schema, so the
    document states the rule the code enforces."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        return getattr(schema_class, "JSON_SCHEMA_RULES", None)


class GuardAnswers(BasePlugin):
    """Adds what app.request_guards answers before any view to every API operation: 414 and
    431 for an over-long request line or header block; and, with a body, 400 (not JSON), 413
    (too large) and 415 (not application/json)."""

    EVERY: ClassVar[dict] = {
        "414": "REQUEST_URI_TOO_LONG",
        "431": "REQUEST_HEADER_FIELDS_TOO_LARGE",
    }
    WITH_BODY: ClassVar[dict] = {
        "400": "BAD_REQUEST",
        "413": "REQUEST_ENTITY_TOO_LARGE",
        "415": "UNSUPPORTED_MEDIA_TYPE",
    }

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        if not path.startswith("/api/"):
            return
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            answers = {**self.EVERY, **(self.WITH_BODY if "requestBody" in operation else {})}
            for status, name in answers.items():
                responses.setdefault(status, name)


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        # Swagger UI's own files, served from the installed wheel: the docs page reaches no CDN.
        assets = Blueprint(
            "swagger_ui_assets",
            __name__,
            static_folder=SWAGGER_UI_ASSETS,
            static_url_path=app.config["OPENAPI_SWAGGER_UI_URL"].rstrip("/"),
        )
        app.register_blueprint(assets)

    def _register_error_handlers(self):
        """app.errors owns the one error handler; flask-smorest's JSON shape is not used."""

    def _register_responses(self):
        """Document every error response under the media type it is really sent with."""
        self.spec.components.header(
            RETRY_AFTER,
            {"description": "Seconds to wait before asking again", "schema": {"type": "integer"}},
        )
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            if status in RETRY_AFTER_STATUSES:
                response["headers"] = {RETRY_AFTER: RETRY_AFTER}
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Problem details", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


# Where an answer's id leads: (path, method, status) of the answer -> (the path parameter it
# fills, the id in the answer, the paths it fills it in). Schemathesis follows these links
# (create -> detail -> resolve), as a client would.
RESOURCE_LINKS = {
    ("/api/v1/posts", "post", "201"): ("post_id", "$response.body#/id", "/api/v1/posts/{post_id}"),
    ("/api/v1/posts/mine", "get", "200"): (
        "post_id",
        "$response.body#/0/id",
        "/api/v1/posts/{post_id}",
    ),
    ("/api/v1/moderation/queue/claim", "post", "200"): (
        "case_id",
        "$response.body#/id",
        "/api/v1/moderation/cases/{case_id}",
    ),
}


def add_links(spec) -> None:
    """Add RESOURCE_LINKS to the document's answers, once every path is in it.

    apispec keeps the paths it was given in `_paths`, from which to_dict() writes the document;
    links need the target operations, which other blueprints may register later.
    """
    paths = spec._paths
    for (path, method, status), (parameter, expression, target) in RESOURCE_LINKS.items():
        response = paths[path][method]["responses"][status]
        links = response.setdefault("links", {})
        for target_path, operations in paths.items():
            if target_path != target and not target_path.startswith(target + "/"):
                continue
            for target_method in operations:
                if target_method == "parameters":
                    continue
                name = f"{target_method}{target_path[len(target) :]}".replace("/", "_")
                links[name] = {
                    "operationRef": f"#/paths/{_pointer(target_path)}/{target_method}",
                    "parameters": {parameter: expression},
                }


def _pointer(path: str) -> str:
    """A path as one JSON Pointer token (RFC 6901)."""
    return path.replace("~", "~0").replace("/", "~1")
