"""The review page's forms. FlaskForm gives each one a CSRF token; labels live in the templates."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, Regexp

# Bounds that keep argon2 from being handed megabytes to hash.
USERNAME_MAX_LENGTH = 40
PASSWORD_MAX_LENGTH = 256
TOTP_CODE = r"^\d{6}$"


def _without_spaces(value: str | None) -> str | None:
    # Authenticator apps show "123 456"; people type it that way.
    return value.replace(" ", "") if value else value


class SignInForm(FlaskForm):
    username = StringField(validators=[InputRequired(), Length(max=USERNAME_MAX_LENGTH)])
    password = PasswordField(validators=[InputRequired(), Length(max=PASSWORD_MAX_LENGTH)])


class CodeForm(FlaskForm):
    code = StringField(validators=[InputRequired(), Regexp(TOTP_CODE)], filters=[_without_spaces])


class SignOutForm(FlaskForm):
    """No fields: the CSRF token is the point."""
