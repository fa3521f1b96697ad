"""Rows in COPY's text format, and the columns bench/generate.py loads."""

from datetime import date, datetime

USER_COLUMNS = ("id", "display_name", "id_number_hmac", "created_at")
VERIFICATION_COLUMNS = ("user_id", "level", "provider", "verified_at")
CONSENT_COLUMNS = ("user_id", "purpose", "policy_version", "granted_at")
POST_COLUMNS = (
    "id",
    "user_id",
    "kind",
    "status",
    "catalog_edition_id",
    "location",
    "public_position",
    "area_code",
    "note",
    "public_note",
    "masking_version",
    "area_name",
    "address_hint",
    "urgency",
    "contact_phone_encrypted",
    "contact_phone_masked",
    "created_at",
    "updated_at",
    "expires_at",
    "renewed_at",
    "resolved_at",
)
# The last five are the post's own, which the post_items_copy_post trigger would copy.
ITEM_COLUMNS = (
    "post_id",
    "medicine_id",
    "position",
    "quantity",
    "unit",
    "pack_expires_on",
    "sealed",
    "kind",
    "post_status",
    "post_created_at",
    "post_expires_at",
    "public_position",
)


NULL = r"\N"


def copy_line(values) -> str:
    """One row in COPY's text format."""
    return "\t".join([_copy_field(value) for value in values]) + "\n"


def text_field(value: str) -> str:
    """A string as COPY's text format needs it: backslashes and control characters escaped."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


_FORMATS = {
    str: text_field,
    int: str,
    float: repr,
    bool: lambda value: "t" if value else "f",
    bytes: lambda value: "\\\\x" + value.hex(),
    list: lambda value: "{" + ",".join(value) + "}",
    datetime: datetime.isoformat,
    date: date.isoformat,
    type(None): lambda _value: "\\N",
}


def _copy_field(value) -> str:
    return _FORMATS[type(value)](value)
