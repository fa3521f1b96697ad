"""The review page's forms. FlaskForm gives each one a CSRF token; labels live in the templates."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Regexp
from wtforms.widgets import HiddenInput

from app.catalog.models import CHANGE_REASON_MAX_LENGTH, CONFIRMABLE_OTC_CLASSES
from app.moderation.models import CASE_KINDS, CASE_STATES, DECISIONS, REASON_MAX_LENGTH

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


class ButtonForm(FlaskForm):
    """No fields: the CSRF token is the point (sign out, claim, release, claim next)."""


class SignOutForm(ButtonForm):
    """Signing out: a form of its own, so a sign-out link cannot be forged from elsewhere."""


class CatalogChangeForm(FlaskForm):
    """Enabling or disabling a catalog entry: only the reason, which the change log keeps."""

    reason = StringField(
        validators=[DataRequired(), Length(max=CHANGE_REASON_MAX_LENGTH)], filters=[_stripped]
    )


class ConfirmOtcForm(CatalogChangeForm):
    # The template draws the <select>, with an empty first option so that no class is
    # confirmed by a reason typed alone.
    otc_class = StringField(validators=[DataRequired(), AnyOf(CONFIRMABLE_OTC_CLASSES)])


def _blank_is_none(value: str | None) -> str | None:
    return value or None


class QueueFilterForm(Form):
    """The queue's filters, read from the query string (a GET: no CSRF token, nothing changes).

    Only known kinds and states pass, so the query never sees what the caller typed.
    """

    kind = StringField(filters=[_blank_is_none])
    state = StringField(default="open", filters=[lambda value: value or "open"])
    unclaimed = BooleanField()

    def validate_kind(self, field) -> None:
        if field.data is not None:
            AnyOf(CASE_KINDS)(self, field)

    def validate_state(self, field) -> None:
        AnyOf(CASE_STATES)(self, field)


class DecisionForm(FlaskForm):
    """A decision on a queue item: always with a reason, and the version the moderator read."""

    decision = StringField(validators=[DataRequired(), AnyOf(DECISIONS)])
    reason = TextAreaField(
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)], filters=[_stripped]
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    # Only for edit_masking: the note with what to hide overwritten by *.
    public_note = TextAreaField()
