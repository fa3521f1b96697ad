"""The review page's forms. FlaskForm gives each one a CSRF token; labels live in the templates."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Regexp

from app.catalog.models import CHANGE_REASON_MAX_LENGTH, CONFIRMABLE_OTC_CLASSES

# Bounds that keep argon2 from being handed megabytes to hash.
USERNAME_MAX_LENGTH = 40
PASSWORD_MAX_LENGTH = 256
TOTP_CODE = r"^\d{6}$"


def _without_spaces(value: str | None) -> str | None:
    # Authenticator apps show "123 456"; people type it that way.
    return value.replace(" ", "") if value else value


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


class SignInForm(FlaskForm):
    username = StringField(validators=[InputRequired(), Length(max=USERNAME_MAX_LENGTH)])
    password = PasswordField(validators=[InputRequired(), Length(max=PASSWORD_MAX_LENGTH)])


class CodeForm(FlaskForm):
    code = StringField(validators=[InputRequired(), Regexp(TOTP_CODE)], filters=[_without_spaces])


class SignOutForm(FlaskForm):
    """No fields: the CSRF token is the point."""


class CatalogChangeForm(FlaskForm):
    """Enabling or disabling a catalog entry: only the reason, which the change log keeps."""

    reason = StringField(
        validators=[DataRequired(), Length(max=CHANGE_REASON_MAX_LENGTH)], filters=[_stripped]
    )


class ConfirmOtcForm(CatalogChangeForm):
    # The template draws the <select>, with an empty first option so that no class is
    # confirmed by a reason typed alone.
    otc_class = StringField(validators=[DataRequired(), AnyOf(CONFIRMABLE_OTC_CLASSES)])
