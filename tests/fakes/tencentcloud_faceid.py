"""A local Tencent Cloud FaceID that answers IdCardVerification as the real API does.

It checks each request's TC3-HMAC-SHA256 signature the way Tencent Cloud does (so the real SDK
must sign correctly), looks the name up in a table of known people, and records every request.
Tests script the answers the table cannot give (outages, quotas, refusals) with `script`.
"""

import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass, field

from werkzeug.wrappers import Request, Response

SECRET_ID = "AKIDfakefaceid0000000000000000000000"
SECRET_KEY = "fake-faceid-secret-key-000000000000"
SERVICE = "faceid"
VERSION = "2018-03-01"
ACTION = "IdCardVerification"
AUTHORIZATION = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<secret_id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/"
    r"(?P<service>\w+)/tc3_request, SignedHeaders=(?P<signed>[\w;-]+), Signature=(?P<sig>\w+)"
)
# The documented Result codes and their descriptions.
DESCRIPTIONS = {
    "0": "姓名和身份证号一致",
    "-1": "姓名和身份证号不一致",
    "-2": "非法身份证号(长度、校验位等不正确)",
    "-3": "非法姓名(长度、格式等不正确)",
    "-4": "证件库服务异常",
    "-5": "证件库中无此身份证记录",
    "-6": "权威比对系统升级中，请稍后再试",
    "-7": "认证次数超过当日限制",
}


@dataclass
class Recorded:
    action: str
    headers: dict
    body: dict


@dataclass
class FakeFaceId:
    """The fake service: a WSGI app. `people` maps document numbers to the names they belong to.

    `script` holds answers to give first, in order, whatever the table says: a Result code
    ("-4"), an error ({"Code": "InternalError", "Message": "..."}), or an HTTP status (503).
    """

    people: dict[str, str] = field(default_factory=dict)
    script: list = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def __call__(self, environ, start_response):
        return self._answer(Request(environ))(environ, start_response)

    def _answer(self, request: Request) -> Response:
        body = json.loads(request.get_data(as_text=True) or "{}")
        action = request.headers.get("X-TC-Action", "")
        self.requests.append(Recorded(action, dict(request.headers), body))
        refusal = self._refuse_request(request, action)
        if refusal:
            return _error(*refusal)
        if self.script:
            scripted = self.script.pop(0)
            if isinstance(scripted, int):
                return Response("upstream failure", status=scripted, mimetype="text/html")
            if isinstance(scripted, dict):
                return _error(scripted["Code"], scripted["Message"])
            return _result(scripted)
        if not isinstance(body.get("IdCard"), str) or not isinstance(body.get("Name"), str):
            return _error("InvalidParameter", "IdCard and Name are required.")
        known = self.people.get(body["IdCard"])
        if known is None:
            return _result("-5")
        return _result("0" if known == body["Name"] else "-1")

    def _refuse_request(self, request: Request, action: str) -> tuple[str, str] | None:
        if request.method != "POST" or request.path != "/":
            return "InvalidAction", "Only POST / is served."
        if request.headers.get("Content-Type") != "application/json":
            return "InvalidParameter", "Content-Type must be application/json."
        if action != ACTION or request.headers.get("X-TC-Version") != VERSION:
            return "InvalidAction", f"The action {action} does not exist."
        signed = AUTHORIZATION.fullmatch(request.headers.get("Authorization", ""))
        if signed is None:
            return "AuthFailure.InvalidAuthorization", "Authorization is malformed."
        if signed["secret_id"] != SECRET_ID:
            return "AuthFailure.SecretIdNotFound", "The SecretId is not found."
        if signed["service"] != SERVICE or signed["sig"] != _signature(request, signed):
            return (
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated.",
            )
        return None


def _signature(request: Request, signed: re.Match) -> str:
    headers = signed["signed"].split(";")
    canonical_headers = "".join(f"{name}:{request.headers.get(name, '')}\n" for name in headers)
    canonical_request = "\n".join(
        [
            request.method,
            request.path,
            request.query_string.decode(),
            canonical_headers,
            signed["signed"],
            hashlib.sha256(request.get_data()).hexdigest(),
        ]
    )
    scope = f"{signed['date']}/{SERVICE}/tc3_request"
    string_to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            request.headers.get("X-TC-Timestamp", ""),
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = ("TC3" + SECRET_KEY).encode()
    for part in (signed["date"], SERVICE, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _result(code: str) -> Response:
    return _json(
        {"Result": code, "Description": DESCRIPTIONS.get(code, "未知错误"), "RequestId": _id()}
    )


def _error(code: str, message: str) -> Response:
    return _json({"Error": {"Code": code, "Message": message}, "RequestId": _id()})


def _json(response: dict) -> Response:
    # Tencent Cloud answers 200 with application/json even for errors; the body says which.
    return Response(
        json.dumps({"Response": response}, ensure_ascii=False), mimetype="application/json"
    )


def _id() -> str:
    return str(uuid.uuid4())
