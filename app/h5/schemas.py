"""What the H5 page's own API endpoints read and answer."""

import marshmallow as ma

from app.auth.schemas import PAGE_URL_MAX_LENGTH


class JsSdkQuerySchema(ma.Schema):
    url = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=PAGE_URL_MAX_LENGTH),
        metadata={
            "description": "The page's URL as location.href gives it (any #fragment is "
            "dropped); only pages of the H5 square on its own origin",
            "example": "https://h5.medshare.example/h5/?lang=en",
        },
    )


class JsSdkConfigSchema(ma.Schema):
    """Exactly what wx.config takes, by its names, besides jsApiList."""

    app_id = ma.fields.String(data_key="appId", metadata={"example": "wx1234567890abcdef"})
    timestamp = ma.fields.Integer(metadata={"description": "Seconds since the epoch"})
    nonce_str = ma.fields.String(data_key="nonceStr")
    signature = ma.fields.String(metadata={"description": "SHA-1, 40 hex digits"})
