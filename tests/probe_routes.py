"""Test-only routes that take a JSON body or raise each error the API can answer with.

They are registered on the test app only (not through the Api, so not in the OpenAPI document), to
walk every status through the one error handler the real routes use.
"""

import marshmallow as ma
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from sqlalchemy import text
from werkzeug import exceptions as http

from app.auth.tokens import signed_in
from app.errors import DomainError
from app.extensions import db

bp = Blueprint("probe", __name__, url_prefix="/api/v1/_probe")


class ProbeItemSchema(ma.Schema):
    quantity = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=20))


class ProbeBodySchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(max=10))
    items = ma.fields.List(ma.fields.Nested(ProbeItemSchema), load_default=list)


class PhoneInUse(DomainError):
    code = "conflict"


@bp.post("/echo")
@bp.arguments(ProbeBodySchema)
@bp.response(201, ProbeBodySchema)
def echo(body):
    return body


@bp.get("/raise/<int:status>")
def raise_status(status):
    raise http.default_exceptions[status]()


@bp.get("/rate-limited")
def rate_limited():
    raise http.TooManyRequests(retry_after=30)


@bp.get("/domain-conflict")
def domain_conflict():
    raise PhoneInUse()


@bp.get("/crash")
def crash():
    # The message carries personal data, as an exception from deep in a library might.
    raise RuntimeError("boom for 13912345678 at 113.93012,22.54311")


@bp.get("/database-error")
def database_error():
    db.session.execute(text("SELECT CAST(:phone AS integer)"), {"phone": "phone 13912345678"})


@bp.get("/signed-in")
@signed_in(bp)
def whoami():
    return {"user_id": current_user.id}
