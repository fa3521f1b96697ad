"""A stand-in for Tencent Cloud's SMS API (SendSms, version 2021-01-11), speaking its protocol.

It checks each request as Tencent Cloud would: POST / with X-TC-Action and X-TC-Version, and a
TC3-HMAC-SHA256 Authorization header whose signature it recomputes with the test secret. It
answers with Tencent Cloud's JSON shapes, records what it was asked to send, and can be told
to refuse the next sends in each of the ways the real service does.
"""

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from werkzeug.wrappers import Request, Response

SECRET_ID = "AKIDmedshareTestSecretId0000000000"
SECRET_KEY = "medshare-test-secret-key-000000000"
SERVICE = "sms"
ACTION = "SendSms"
VERSION = "2021-01-11"
SIGNED_HEADERS = "content-type;host"
# Tencent Cloud refuses a signature more than five minutes from its own clock.
MAX_CLOCK_SKEW_SECONDS = 300
AUTHORIZATION = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<secret_id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/"
    r"(?P<service>[a-z]+)/tc3_request, SignedHeaders=(?P<signed>[a-z;-]+), "
    r"Signature=(?P<signature>[0-9a-f]{64})"
)


@dataclass
class Scripted:
    """One refusal to give instead of sending: an API error, a per-number status, or a bad HTTP
    answer."""

    error: str | None = None
    status: str | None = None
    http_status: int = 200


@dataclass
class FakeTencentCloudSms:
    """WSGI app. `sent` lists each accepted SendSms: its phone numbers, template params and ids."""

    sent: list[dict] = field(default_factory=list)
    script: list[Scripted] = field(default_factory=list)
    # When set, a send waits here after it arrives (and sets `arrived`), to hold a request open.
    gate: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    def refuse_next(self, *, error=None, status=None, http_status=200) -> None:
        self.script.append(Scripted(error=error, status=status, http_status=http_status))

    def __call__(self, environ, start_response):
        request = Request(environ)
        refusal = self._check(request)
        if refusal:
            return _error(*refusal)(environ, start_response)
        body = json.loads(request.get_data())
        missing = {"PhoneNumberSet", "SmsSdkAppId", "TemplateId"} - body.keys()
        if missing:
            return _error("MissingParameter", f"missing {sorted(missing)}")(environ, start_response)
        self.arrived.set()
        if self.gate is not None:
            self.gate.wait(timeout=10)
        scripted = self.script.pop(0) if self.script else Scripted()
        if scripted.http_status != 200:
            return Response("upstream failure", status=scripted.http_status)(
                environ, start_response
            )
        if scripted.error:
            return _error(scripted.error, "scripted refusal")(environ, start_response)
        if scripted.status is None:
            self.sent.append(
                {
                    "phone_numbers": body["PhoneNumberSet"],
                    "template_params": body.get("TemplateParamSet", []),
                    "sdk_app_id": body["SmsSdkAppId"],
                    "template_id": body["TemplateId"],
                    "sign_name": body.get("SignName"),
                }
            )
        statuses = [
            {
                "SerialNo": f"2433:{uuid.uuid4().int % 10**20}",
                "PhoneNumber": number,
                "Fee": 1,
                "SessionContext": "",
                "Code": scripted.status or "Ok",
                "Message": "scripted refusal" if scripted.status else "send success",
                "IsoCode": "CN",
            }
            for number in body["PhoneNumberSet"]
        ]
        return _json({"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())})(
            environ, start_response
        )

    def _check(self, request: Request) -> tuple[str, str] | None:
        """Tencent Cloud's refusal of a malformed or badly signed call, or None."""
        if request.method != "POST" or request.path != "/":
            return "InvalidAction", "SendSms is POST /"
        if request.headers.get("X-TC-Action") != ACTION:
            return "InvalidAction", "only SendSms is faked"
        if request.headers.get("X-TC-Version") != VERSION:
            return "NoSuchVersion", f"SendSms is faked at {VERSION}"
        if request.mimetype != "application/json":
            return "InvalidParameter", "the body must be application/json"
        auth = AUTHORIZATION.fullmatch(request.headers.get("Authorization", ""))
        if not auth or auth["signed"] != SIGNED_HEADERS or auth["service"] != SERVICE:
            return "AuthFailure.InvalidAuthorization", "malformed Authorization"
        if auth["secret_id"] != SECRET_ID:
            return "AuthFailure.SecretIdNotFound", "unknown SecretId"
        timestamp = int(request.headers.get("X-TC-Timestamp", "0"))
        if abs(time.time() - timestamp) > MAX_CLOCK_SKEW_SECONDS:
            return "AuthFailure.SignatureExpire", "timestamp too far from now"
        if auth["date"] != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d"):
            return "AuthFailure.SignatureFailure", "credential date is not the timestamp's"
        if not hmac.compare_digest(auth["signature"], _signature(request, auth["date"])):
            return "AuthFailure.SignatureFailure", "signature does not match"
        return None


def _signature(request: Request, date: str) -> str:
    """TC3-HMAC-SHA256 over the canonical request, as Tencent Cloud's signing guide lays it out."""
    canonical_request = "\n".join(
        (
            "POST",
            "/",
            "",
            f"content-type:{request.headers['Content-Type'].lower()}\n"
            f"host:{request.headers['Host'].lower()}\n",
            SIGNED_HEADERS,
            hashlib.sha256(request.get_data()).hexdigest(),
        )
    )
    string_to_sign = "\n".join(
        (
            "TC3-HMAC-SHA256",
            request.headers["X-TC-Timestamp"],
            f"{date}/{SERVICE}/tc3_request",
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        )
    )
    key = ("TC3" + SECRET_KEY).encode()
    for part in (date, SERVICE, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _error(code: str, message: str) -> Response:
    return _json({"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())})


def _json(answer: dict) -> Response:
    # Exactly "application/json": the SDK only looks for an Error in answers of that type.
    return Response(json.dumps({"Response": answer}), content_type="application/json")
