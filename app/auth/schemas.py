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


class WeChatCodeSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=WECHAT_CODE_MAX_LENGTH),
        metadata={"description": "The one-time code from the mini program; valid 5 minutes"},
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
