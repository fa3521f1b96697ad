"""What the SMS sign-in endpoints take and answer."""

import marshmallow as ma

from app.auth.lookup import MAINLAND_MOBILE_PATTERN

MOBILE = ma.fields.String(
    required=True,
    metadata={
        "description": "A mainland China mobile number; spaces, dashes, brackets and +86 are fine",
        "pattern": MAINLAND_MOBILE_PATTERN,
        "example": "+86 139 1234 5678",
    },
)


class CodeRequestSchema(ma.Schema):
    mobile = MOBILE


class CodeSentSchema(ma.Schema):
    expires_in = ma.fields.Integer(metadata={"description": "Seconds the code stays valid"})
    resend_after = ma.fields.Integer(
        metadata={"description": "Seconds before this number can be sent another code"}
    )


class SignInSchema(ma.Schema):
    mobile = MOBILE
    # A malformed code is a typo, not a guess: refused here, it costs none of the code's tries.
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(r"^[0-9]{6}$", error="The code is 6 digits."),
        metadata={"example": "123456"},
    )
