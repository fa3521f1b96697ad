"""The review page's partner forms. They check only presence and size; app.partners.fields
checks what the values mean, the same way as for the command line."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.partners.models import (
    CODE_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
)

# Origins one a line, region codes separated by spaces or commas: generous bounds, the service
# counts them.
ORIGINS_MAX_LENGTH = 5000
REGION_MAX_LENGTH = 500


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


class PartnerForm(FlaskForm):
    name = StringField(
        validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)], filters=[_stripped]
    )
    contact = StringField(
        validators=[DataRequired(), Length(max=CONTACT_MAX_LENGTH)], filters=[_stripped]
    )
    origins = TextAreaField(validators=[Optional(), Length(max=ORIGINS_MAX_LENGTH)])
    tier = StringField(validators=[DataRequired()])
    region_codes = StringField(validators=[Optional(), Length(max=REGION_MAX_LENGTH)])

    def values(self) -> dict:
        """What the service takes: origins and region codes as lists."""
        return {
            "name": self.name.data,
            "contact": self.contact.data,
            "origins": (self.origins.data or "").split(),
            "tier": self.tier.data,
            "region_codes": (self.region_codes.data or "").replace(",", " ").split(),
        }


class EditPartnerForm(PartnerForm):
    status = StringField(validators=[DataRequired()])
    reason = StringField(
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)], filters=[_stripped]
    )

    def values(self) -> dict:
        return {**super().values(), "status": self.status.data}


class RegisterPartnerForm(PartnerForm):
    code = StringField(
        validators=[DataRequired(), Length(max=CODE_MAX_LENGTH)], filters=[_stripped]
    )


class IssueKeyForm(FlaskForm):
    kind = StringField(validators=[DataRequired()])


class RotateKeyForm(FlaskForm):
    reason = StringField(
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)], filters=[_stripped]
    )


class RevokeKeyForm(FlaskForm):
    reason = StringField(
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)], filters=[_stripped]
    )
