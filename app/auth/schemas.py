"""What sign-in answers with."""

import marshmallow as ma


class TokenPairSchema(ma.Schema):
    access_token = ma.fields.String(
        metadata={"description": "Send as `Authorization: Bearer <token>`; short-lived"}
    )
    refresh_token = ma.fields.String(
        metadata={"description": "Send to /auth/refresh for a new pair; works once"}
    )
    token_type = ma.fields.String(metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(metadata={"description": "Seconds the access token lives"})


# wx.login codes are 32 characters and getPhoneNumber codes 64; anything far longer is not one.
WECHAT_CODE_MAX_LENGTH = 128


def wechat_code_field(description: str) -> ma.fields.String:
    return ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=WECHAT_CODE_MAX_LENGTH),
        metadata={"description": description},
    )


class WeChatCodeSchema(ma.Schema):
    code = wechat_code_field("The one-time code from the mini program; valid 5 minutes")


# Longer than any page URL we make; a state is 32 characters.
PAGE_URL_MAX_LENGTH = 2000
STATE_MAX_LENGTH = 128


def page_url_field(description: str) -> ma.fields.String:
    """A page of the H5 square's URL, as location.href gives it."""
    return ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=PAGE_URL_MAX_LENGTH),
        metadata={"description": description, "example": "https://h5.medshare.example/h5/?lang=en"},
    )


class WebAuthorizationRequestSchema(ma.Schema):
    return_to = page_url_field(
        "The page's own URL (location.href), on the H5 origin under /h5/; WeChat sends the "
        "browser back to it with ?code=...&state=..."
    )


class WebAuthorizationSchema(ma.Schema):
    authorize_url = ma.fields.String(
        metadata={"description": "Send the browser here (location.replace) inside WeChat"}
    )
    expires_in = ma.fields.Integer(
        metadata={"description": "Seconds the authorisation's state waits for the browser"}
    )


class WebSignInSchema(ma.Schema):
    code = wechat_code_field("The code WeChat added to the page's URL; valid 5 minutes, once")
    state = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=STATE_MAX_LENGTH),
        metadata={"description": "The state WeChat brought back with the code; works once"},
    )


class VerificationLevelSchema(ma.Schema):
    level = ma.fields.String(metadata={"example": "identity"})
    provider = ma.fields.String(metadata={"example": "tencentcloud-faceid"})
    verified_at = ma.fields.DateTime()


class BoundPhoneSchema(ma.Schema):
    phone_masked = ma.fields.String(metadata={"example": "138****8000"})
    levels = ma.fields.List(
        ma.fields.Nested(VerificationLevelSchema),
        attribute="verifications",
        metadata={"description": "Real-name levels the account has reached"},
    )
