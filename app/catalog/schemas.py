import marshmallow as ma

from app.catalog.service import catalog_rules
from app.i18n import negotiate_locale

# Enough for any medicine's name; longer is not a search.
SEARCH_MAX_LENGTH = 50


def catalog_label(table: str, key: str | None) -> str | None:
    """A code's name from a rules.yaml table (units, forms, otc_classes...) in the request's
    language, or None for no code."""
    if key is None:
        return None
    return catalog_rules()[table][key][negotiate_locale()]


def localized_name(medicine) -> str:
    """The medicine's generic name in the request's language."""
    return medicine.name_zh if negotiate_locale() == "zh" else medicine.name_en


class MedicineQuerySchema(ma.Schema):
    include_unpostable = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Also list entries that are disabled or never postable"},
    )
    q = ma.fields.String(
        validate=ma.validate.Length(max=SEARCH_MAX_LENGTH),
        metadata={
            "description": "Find by part of the Chinese or English name, by pinyin (whole or "
            "part, spaces optional) or by the start of the pinyin initials. Exact matches come "
            "first, then those starting with q, then the rest, each in catalog order.",
            "example": "blf",
        },
    )


class UnitSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "tablet"})
    label = ma.fields.Function(
        lambda unit: catalog_label("units", unit["code"]),
        metadata={"type": "string", "example": "片"},
    )
    max_per_post = ma.fields.Integer(metadata={"example": 20})


class FormSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "tablet"})
    label = ma.fields.Function(
        lambda form: catalog_label("forms", form["code"]),
        metadata={"type": "string", "example": "片剂"},
    )


class MedicineSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String(metadata={"example": "ibuprofen"})
    name = ma.fields.Function(
        localized_name,
        metadata={"type": "string", "description": "Generic name in the negotiated language"},
    )
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    pinyin = ma.fields.String(
        metadata={"example": "bu luo fen", "description": "name_zh in toneless pinyin"}
    )
    symptom_group = ma.fields.String(metadata={"example": "fever"})
    symptom_group_label = ma.fields.Function(
        lambda medicine: catalog_label("symptom_groups", medicine.symptom_group),
        metadata={"type": "string"},
    )
    category = ma.fields.String(metadata={"example": "chemical"})
    otc_class = ma.fields.String(metadata={"example": "otc_a"})
    postable = ma.fields.Boolean(attribute="enabled")
    prohibited_reason = ma.fields.Function(
        lambda medicine: catalog_label("prohibited_reasons", medicine.prohibited_reason),
        metadata={"type": "string", "nullable": True},
    )
    forms = ma.fields.List(
        ma.fields.Nested(FormSchema),
        metadata={"description": "Dosage forms the packs come in"},
    )
    units = ma.fields.List(
        ma.fields.Nested(UnitSchema),
        metadata={
            "description": "Units this medicine may be posted in, with the cap per post, "
            "smallest unit first (JSONB keeps no order, so rules.yaml's order is used)"
        },
    )

    def get_attribute(self, obj, attr, default):
        if attr == "units":
            return [
                {"code": code, "max_per_post": obj.unit_caps[code]}
                for code in catalog_rules()["units"]
                if code in obj.unit_caps
            ]
        if attr == "forms":
            return [{"code": code} for code in obj.forms]
        return super().get_attribute(obj, attr, default)
