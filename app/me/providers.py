"""Identity providers: who vouches that a name belongs to a document number.

IDENTITY_PROVIDER picks one. "checksum-only" vouches for any number that passed the document
rules, for development; production refuses to start with it (app/settings_check.py).
"tencentcloud-faceid" asks Tencent Cloud FaceID's IdCardVerification, through Tencent's own SDK,
which signs the call (TC3-HMAC-SHA256).

A provider answers with an Outcome, or raises ProviderUnavailable when it could not answer;
neither carries the name or the number, so whatever the caller logs is free of them.
"""

import enum
import logging
from typing import Protocol
from urllib.parse import urlsplit

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.faceid.v20180301 import faceid_client, models

from app.me.documents import Document

log = logging.getLogger("medshare.me.providers")


class Outcome(enum.Enum):
    """What the provider found; the value is what the attempts table records."""

    MATCH = "match"
    # The number exists but belongs to someone of another name.
    MISMATCH = "mismatch"
    # The provider holds no record of the number.
    NOT_FOUND = "not_found"
    # The provider refused the number's or the name's form, which our rules had let through.
    NUMBER_REFUSED = "number_refused"
    NAME_REFUSED = "name_refused"


# Result codes of FaceID IdCardVerification; any other result means the service cannot answer
# now (-4 identity database error, -6 authority upgrading, -7 our daily quota spent).
FACEID_RESULTS = {
    "0": Outcome.MATCH,
    "-1": Outcome.MISMATCH,
    "-2": Outcome.NUMBER_REFUSED,
    "-3": Outcome.NAME_REFUSED,
    "-5": Outcome.NOT_FOUND,
}


class ProviderUnavailable(Exception):
    """The provider could not answer now (network, credentials, its own outage or quota)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class IdentityProvider(Protocol):
    name: str

    def verify(self, name: str, document: Document) -> Outcome: ...


class ChecksumOnly:
    """Development only: a number that passed the document rules is taken to be the name's."""

    name = "checksum-only"

    def verify(self, name: str, document: Document) -> Outcome:
        return Outcome.MATCH


class TencentCloudFaceId:
    """Tencent Cloud FaceID IdCardVerification (API version 2018-03-01).

    Args:
        endpoint: host name, or a URL whose scheme says http (the test suite's local fake).
        secret_id, secret_key: the API key pair.
        timeout_seconds: how long to wait for an answer.
    """

    name = "tencentcloud-faceid"

    def __init__(self, endpoint: str, secret_id: str, secret_key: str, timeout_seconds: int):
        parts = urlsplit(endpoint if "//" in endpoint else f"//{endpoint}")
        self._http_profile = HttpProfile(
            protocol=parts.scheme or "https", endpoint=parts.netloc, reqTimeout=timeout_seconds
        )
        self._secret_id, self._secret_key = secret_id, secret_key

    def verify(self, name: str, document: Document) -> Outcome:
        request = models.IdCardVerificationRequest()
        request.IdCard = document.number
        request.Name = name
        try:
            # Made here so that missing credentials, which the SDK refuses, answer like an outage.
            client = faceid_client.FaceidClient(
                credential.Credential(self._secret_id, self._secret_key),
                "",
                ClientProfile(httpProfile=self._http_profile),
            )
            response = client.IdCardVerification(request)
        except TencentCloudSDKException as error:
            # The SDK's message may quote what was sent; its code and request id do not.
            log.warning(
                "identity provider error",
                extra={"fields": {"error_code": error.code, "provider_request": error.requestId}},
            )
            raise ProviderUnavailable(error.code or "sdk_error") from None
        outcome = FACEID_RESULTS.get(response.Result)
        if outcome is None:
            fields = {"result": response.Result, "provider_request": response.RequestId}
            log.warning("identity provider could not answer", extra={"fields": fields})
            raise ProviderUnavailable(f"result {response.Result}")
        return outcome


def identity_provider(config) -> IdentityProvider:
    """The provider IDENTITY_PROVIDER names, set up from the rest of the configuration."""
    chosen = config["IDENTITY_PROVIDER"]
    if chosen == ChecksumOnly.name:
        return ChecksumOnly()
    if chosen == TencentCloudFaceId.name:
        return TencentCloudFaceId(
            config["IDENTITY_ENDPOINT"],
            config["TENCENTCLOUD_SECRET_ID"],
            config["TENCENTCLOUD_SECRET_KEY"],
            config["IDENTITY_TIMEOUT_SECONDS"],
        )
    raise ValueError(f"unknown IDENTITY_PROVIDER {chosen!r}")
