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
