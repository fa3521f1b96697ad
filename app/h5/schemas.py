"""What the H5 page's own API endpoints read and answer."""

import marshmallow as ma

from app.auth.schemas import page_url_field


class JsSdkQuerySchema(ma.Schema):
    url = page_url_field(
        "The page's URL as location.href gives it (any #fragment is dropped); only pages of "
        "the H5 square on its own origin"
    )


class JsSdkConfigSchema(ma.Schema):
    """Exactly what wx.config takes, by its names, besides jsApiList."""

    app_id = ma.fields.String(data_key="appId", metadata={"example": "wx1234567890abcdef"})
    timestamp = ma.fields.Integer(metadata={"description": "Seconds since the epoch"})
    nonce_str = ma.fields.String(data_key="nonceStr")
    signature = ma.fields.String(metadata={"description": "SHA-1, 40 hex digits"})
