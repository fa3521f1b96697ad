"""The review page's catalog: admins enable and disable entries and confirm OTC classes.

Registered on the review page's blueprint (routes.py imports this module), so the same CSRF
check, headers, sign-in redirect and error pages apply. Every change goes through
app.catalog.admin, which records it in catalog_changes and the audit log.
"""

from collections.abc import Callable

from flask import flash, redirect, render_template, url_for

from app.catalog import admin, service
from app.catalog.admin import CatalogChangeRefused
from app.catalog.models import CONFIRMABLE_OTC_CLASSES, CatalogChange
from app.catalog.schemas import catalog_label, localized_name
from app.i18n import negotiate_locale, page_text, problem_status, problem_text
from app.moderation.review.forms import CatalogChangeForm, ConfirmOtcForm
from app.moderation.review.routes import bp
from app.staff.sessions import current_staff, staff_required

CATALOG_TEMPLATE = "moderation/catalog.html"
# Enough to see what happened lately to an entry; older changes stay in catalog_changes.
RECENT_CHANGES_PER_ENTRY = 5

bp.add_app_template_global(catalog_label)
bp.add_app_template_global(localized_name)


@bp.get("/catalog")
@staff_required("admin")
def catalog():
    return _catalog_page()


@bp.post("/catalog/<int:medicine_id>/enable")
@staff_required("admin")
def enable(medicine_id: int):
    form = CatalogChangeForm()
    return _submit(form, lambda: admin.enable(medicine_id, current_staff(), form.reason.data))


@bp.post("/catalog/<int:medicine_id>/disable")
@staff_required("admin")
def disable(medicine_id: int):
    form = CatalogChangeForm()
    return _submit(form, lambda: admin.disable(medicine_id, current_staff(), form.reason.data))


@bp.post("/catalog/<int:medicine_id>/confirm")
@staff_required("admin")
def confirm(medicine_id: int):
    form = ConfirmOtcForm()
    return _submit(
        form,
        lambda: admin.confirm_otc_class(
            medicine_id, current_staff(), form.otc_class.data, form.reason.data
        ),
    )


def _submit(form: CatalogChangeForm, make_change: Callable[[], CatalogChange]):
    """Make the change and go back to the catalog; a refusal shows the catalog with the reason."""
    if not form.validate_on_submit():
        return _catalog_page(page_text("give_a_reason"), 422)
    try:
        change = make_change()
    except CatalogChangeRefused as refusal:
        _title, detail = problem_text(refusal.code, negotiate_locale(), **refusal.params)
        return _catalog_page(detail, problem_status(refusal.code))
    medicine = change.medicine
    flash(
        page_text(
            f"changed_{change.action}",
            name=localized_name(medicine),
            otc_class=catalog_label("otc_classes", medicine.otc_class),
        )
    )
    return redirect(url_for(".catalog", _anchor=f"medicine-{medicine.id}"))


def _catalog_page(message: str | None = None, status: int = 200):
    edition = service.current_edition()
    history = admin.recent_changes(edition.id, RECENT_CHANGES_PER_ENTRY) if edition else {}
    page = render_template(
        CATALOG_TEMPLATE,
        edition=edition,
        medicines=service.current_medicines(include_unpostable=True),
        history=history,
        change_form=CatalogChangeForm(formdata=None),
        confirm_form=ConfirmOtcForm(formdata=None),
        confirmable_otc_classes=CONFIRMABLE_OTC_CLASSES,
        message=message,
    )
    return page, status
