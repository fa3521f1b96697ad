"""Who delivers the code: the log in development, Tencent Cloud SMS in production.

A sender either delivers or raises; the caller then keeps or drops the challenge whole.
"""

import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

from app.auth.lookup import mask_mobile
from app.china_time import until_midnight_in_china
from app.errors import DomainError, TryAgainLater

log = logging.getLogger("medshare.sms")

MAINLAND_PREFIX = "+86"
SENT = "Ok"
# Tencent Cloud's limits on how often one number receives texts, and how long each holds it back;
# None for a daily quota, which ends at midnight in China. Any other refusal is an outage to us.
PROVIDER_LIMITS: dict[str, timedelta | None] = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": timedelta(seconds=30),
    "LimitExceeded.PhoneNumberOneHourLimit": timedelta(hours=1),
    "LimitExceeded.PhoneNumberDailyLimit": None,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": None,
    "LimitExceeded.DeliveryFrequencyLimit": timedelta(minutes=1),
}


class SmsLimitReached(TryAgainLater):
    """The number (or the caller) has had as many codes as it may for now."""

    code = "sms_limit_reached"


class SmsUnavailable(DomainError):
    """The SMS provider could not be reached or refused the message."""

    code = "sms_unavailable"


Sender = Callable[[str, str, int], None]


def sender_for(config: Mapping) -> Sender:
    """The configured sender: called with the mobile number, the code and its minutes of life."""
    return SENDERS[config["SMS_PROVIDER"]](config)


def _log_sender(_config: Mapping) -> Sender:
    def send(mobile: str, code: str, _minutes: int) -> None:
        # Development only (production refuses SMS_PROVIDER=log): the code is what a developer
        # needs to sign in; the masked number says which of their test numbers it was for.
        log.info("sms code", extra={"fields": {"mobile": mask_mobile(mobile), "code": code}})

    return send


def _tencentcloud_sender(config: Mapping) -> Sender:
    def send(mobile: str, code: str, minutes: int) -> None:
        request = SendSmsRequest()
        request.SmsSdkAppId = config["SMS_SDK_APP_ID"]
        request.SignName = config["SMS_SIGN_NAME"]
        request.TemplateId = config["SMS_TEMPLATE_ID"]
        request.PhoneNumberSet = [MAINLAND_PREFIX + mobile]
        # The approved template reads the code as {1} and its minutes of life as {2}.
        request.TemplateParamSet = [code, str(minutes)]
        try:
            response = _sms_client(config).SendSms(request)
        except TencentCloudSDKException as error:
            raise _refusal(error.get_code(), error.get_request_id()) from None
        status = response.SendStatusSet[0] if response.SendStatusSet else None
        if status is None or status.Code != SENT:
            raise _refusal(status.Code if status else "NoSendStatus", response.RequestId)

    return send


def _sms_client(config: Mapping) -> SmsClient:
    http = HttpProfile(
        protocol=config["SMS_PROTOCOL"],
        endpoint=config["SMS_ENDPOINT"],
        reqTimeout=config["SMS_TIMEOUT_SECONDS"],
    )
    credential = Credential(config["TENCENTCLOUD_SECRET_ID"], config["TENCENTCLOUD_SECRET_KEY"])
    return SmsClient(credential, config["TENCENTCLOUD_REGION"], ClientProfile(httpProfile=http))


def _refusal(provider_code: str, request_id: str | None) -> DomainError:
    """What a provider's refusal becomes; logged by code alone: its text may hold the number."""
    log.warning(
        "sms provider refused",
        extra={"fields": {"provider_code": provider_code, "provider_request_id": request_id}},
    )
    if provider_code not in PROVIDER_LIMITS:
        return SmsUnavailable()
    hold = PROVIDER_LIMITS[provider_code]
    if hold is None:
        hold = until_midnight_in_china(datetime.now(UTC))
    return SmsLimitReached(math.ceil(hold.total_seconds()))


SENDERS: dict[str, Callable[[Mapping], Sender]] = {
    "log": _log_sender,
    "tencentcloud": _tencentcloud_sender,
}
