"""The review page's partners: admins register partners, change them, and issue, rotate and
revoke their keys. Every change goes through app.partners.service, which records it.

A blueprint of its own under the review page's prefix, so its pages get the review page's
headers and error pages; it checks CSRF and sends signed-out staff to sign in as the review
page does. A key made here is shown once, in the answer to the form that made it (never through
the session cookie, which is signed but readable).
"""

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from app.errors import DomainError, FieldsInvalid
from app.extensions import csrf
from app.i18n import negotiate_locale, page_text, problem_status, problem_text
from app.partners import service
from app.partners.forms import (
    EditPartnerForm,
    IssueKeyForm,
    RegisterPartnerForm,
    RevokeKeyForm,
    RotateKeyForm,
)
from app.partners.models import KEY_KINDS, PARTNER_STATUSES
from app.staff.service import StaffSignInRequired
from app.staff.sessions import current_staff, staff_required

bp = Blueprint(
    "partners_admin", __name__, url_prefix="/moderation/partners", template_folder="templates"
)
LIST_TEMPLATE = "partners/list.html"
DETAIL_TEMPLATE = "partners/detail.html"
# Enough to see what happened lately; older changes stay in partner_changes.
RECENT_CHANGES = 20
FILL_IN = "fill_in_every_field"


@bp.before_request
def _check_csrf() -> None:
    csrf.protect()


@bp.errorhandler(StaffSignInRequired)
def _to_sign_in(_error):
    return redirect(url_for("review.sign_in"))


@bp.get("/")
@staff_required("admin")
def partners():
    return _list_page(RegisterPartnerForm(formdata=None))


@bp.post("/")
@staff_required("admin")
def register():
    form = RegisterPartnerForm()
    if not form.validate_on_submit():
        return _list_page(form, page_text(FILL_IN), 422)
    try:
        partner = service.register_partner(form.code.data, form.values(), current_staff())
    except DomainError as refusal:
        return _list_page(form, *_refusal(refusal, form))
    flash(page_text("partner_registered", code=partner.code))
    return redirect(url_for(".partner", code=partner.code))


@bp.get("/<code>")
@staff_required("admin")
def partner(code: str):
    return _detail_page(code)


@bp.post("/<code>")
@staff_required("admin")
def update(code: str):
    form = EditPartnerForm()
    if not form.validate_on_submit():
        return _detail_page(code, form=form, message=page_text(FILL_IN), status=422)
    try:
        service.update_partner(code, form.values(), current_staff(), form.reason.data or None)
    except DomainError as refusal:
        message, status = _refusal(refusal, form)
        return _detail_page(code, form=form, message=message, status=status)
    flash(page_text("partner_updated"))
    return redirect(url_for(".partner", code=code))


@bp.post("/<code>/keys")
@staff_required("admin")
def issue_key(code: str):
    form = IssueKeyForm()
    return _submit(
        code,
        form,
        lambda: _detail_page(code, issued=service.issue_key(code, form.kind.data, current_staff())),
    )


@bp.post("/<code>/keys/<public_id>/rotate")
@staff_required("admin")
def rotate_key(code: str, public_id: str):
    form = RotateKeyForm()

    def rotate():
        issued = service.rotate_key(public_id, current_staff(), form.reason.data or None)
        return _detail_page(code, issued=issued)

    return _submit(code, form, rotate)


@bp.post("/<code>/keys/<public_id>/revoke")
@staff_required("admin")
def revoke_key(code: str, public_id: str):
    form = RevokeKeyForm()

    def revoke():
        service.revoke_key(public_id, form.reason.data, current_staff())
        flash(page_text("partner_key_revoked", public_id=public_id))
        return redirect(url_for(".partner", code=code))

    return _submit(code, form, revoke, missing="give_a_reason")


def _submit(code: str, form, act: Callable, missing: str = FILL_IN):
    """act() for a filled-in form, on a partner's keys; a form left empty, or a refusal, shows
    the partner's page again with the reason."""
    if not form.validate_on_submit():
        return _detail_page(code, message=page_text(missing), status=422)
    try:
        return act()
    except DomainError as refusal:
        message, status = _refusal(refusal)
        return _detail_page(code, message=message, status=status)


def _refusal(refusal: DomainError, form=None) -> tuple[str, int]:
    """The refusal in words, and its status; field errors go next to their fields."""
    if isinstance(refusal, FieldsInvalid) and form is not None:
        for name, messages in (refusal.errors or {}).items():
            if name in form:
                form[name].errors = list(messages)
    _title, detail = problem_text(
        refusal.code, negotiate_locale(), fields=list(refusal.errors or {}), **refusal.params
    )
    return detail, problem_status(refusal.code)


def _list_page(form, message: str | None = None, status: int = 200):
    page = render_template(
        LIST_TEMPLATE,
        partners=service.partners(),
        form=form,
        choices=_choices(),
        message=message,
    )
    return page, status


def _detail_page(code: str, *, form=None, issued=None, message=None, status: int = 200):
    partner = service.partner_by_code(code)
    if form is None:
        form = EditPartnerForm(
            formdata=None,
            data={
                "name": partner.name,
                "contact": partner.contact,
                "origins": "\n".join(partner.origins),
                "tier": partner.tier,
                "region_codes": " ".join(partner.region_codes),
                "status": partner.status,
            },
        )
    page = render_template(
        DETAIL_TEMPLATE,
        partner=partner,
        form=form,
        issued=issued,
        choices=_choices(),
        history=service.recent_changes(partner.id, RECENT_CHANGES),
        issue_form=IssueKeyForm(formdata=None),
        rotate_form=RotateKeyForm(formdata=None),
        revoke_form=RevokeKeyForm(formdata=None),
        message=message,
    )
    return page, status


def _choices() -> dict:
    return {
        "tiers": list(current_app.config["RATE_LIMIT_TIERS"]),
        "statuses": PARTNER_STATUSES,
        "kinds": KEY_KINDS,
    }
