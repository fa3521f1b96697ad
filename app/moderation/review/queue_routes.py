"""The review page's queue: list and filter items, claim them, read one, decide it.

Registered on the review page's blueprint (routes.py imports this module), so its CSRF check,
headers, sign-in redirect and error pages apply. Every read and change goes through the same
service functions as the JSON API (app.moderation.queue and app.moderation.decisions), which
audit them.
A refusal (a stale version, a lease lost, someone else's claim) shows the item again with the
reason and the problem's 4xx status.
"""

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for

from app.errors import DomainError
from app.extensions import db
from app.i18n import (
    negotiate_locale,
    page_text,
    problem_status,
    problem_text,
    translate_field_error,
)
from app.moderation import decisions, queue
from app.moderation.models import CASE_KINDS, DECISIONS
from app.moderation.review.display import page_time
from app.moderation.review.forms import ButtonForm, DecisionForm, QueueFilterForm
from app.moderation.review.highlight import note_pieces
from app.moderation.review.routes import bp
from app.staff.sessions import current_staff, staff_required

QUEUE_TEMPLATE = "moderation/queue.html"
ITEM_TEMPLATE = "moderation/item.html"
QUEUE_PAGE_SIZE = 50
# Problem parameters that are instants (app.moderation.queue.CaseClaimed's until).
TIME_PARAMS = {"until"}
# Keys the page's script answers to; the template lists the same table for people.
DECISION_SHORTCUTS = {
    "approve": "a",
    "hide": "h",
    "remove": "r",
    "dismiss_reports": "d",
    "edit_masking": "e",
    "mark_resolved": "s",
    "warn": "w",
}


@bp.app_template_filter("age")
def _age(moment: datetime) -> str:
    minutes = max(0, int((datetime.now(UTC) - moment).total_seconds() // 60))
    if minutes < 60:
        return page_text("age_minutes", minutes=minutes)
    if minutes < 48 * 60:
        return page_text("age_hours", hours=minutes // 60)
    return page_text("age_days", days=minutes // (24 * 60))


@bp.get("/queue")
@staff_required()
def queue_page():
    return _queue_page()


@bp.post("/queue/claim-next")
@staff_required()
def claim_next():
    kind = request.form.get("kind") or None
    try:
        case = queue.claim_next(current_staff(), kind if kind in CASE_KINDS else None)
    except queue.QueueEmpty as empty:
        return _queue_page(_problem_message(empty), problem_status(empty.code))
    return redirect(url_for(".case_page", case_id=case.id))


@bp.get("/cases/<int:case_id>")
@staff_required()
def case_page(case_id: int):
    return _case_page(case_id)


@bp.post("/cases/<int:case_id>/claim")
@staff_required()
def claim(case_id: int):
    return _act(case_id, lambda: queue.claim(case_id, current_staff()), "claimed")


@bp.post("/cases/<int:case_id>/release")
@staff_required()
def release(case_id: int):
    return _act(case_id, lambda: queue.release(case_id, current_staff()), "released")


@bp.post("/cases/<int:case_id>/decision")
@staff_required()
def decide(case_id: int):
    form = DecisionForm()
    if not form.validate_on_submit():
        return _case_page(case_id, page_text("decision_incomplete"), 422, form)
    return _act(
        case_id,
        lambda: decisions.decide(
            case_id,
            current_staff(),
            form.decision.data,
            form.reason.data,
            form.version.data,
            form.public_note.data if form.decision.data == "edit_masking" else None,
        ),
        "decided",
        form,
    )


def _act(case_id: int, action, done: str, form: DecisionForm | None = None):
    """Do the action and show the item again; a refusal shows it with the reason."""
    try:
        action()
    except DomainError as refusal:
        # Nothing of a refused action may ride along with the audited read that follows.
        db.session.rollback()
        return _case_page(case_id, _problem_message(refusal), problem_status(refusal.code), form)
    flash(page_text(f"case_{done}"))
    return redirect(url_for(".case_page", case_id=case_id))


def _queue_page(message: str | None = None, status: int = 200):
    filters = QueueFilterForm(request.args)
    if not filters.validate():
        message, status = page_text("unknown_filter"), 422
        filters = QueueFilterForm()
    items = queue.list_cases(
        queue.QueueFilter(filters.kind.data, filters.unclaimed.data, filters.state.data),
        limit=QUEUE_PAGE_SIZE,
    )
    page = render_template(
        QUEUE_TEMPLATE,
        filters=filters,
        kinds=CASE_KINDS,
        counts=queue.queue_counts(),
        items=items,
        holds_lease=queue.holds_lease,
        button_form=ButtonForm(formdata=None),
        message=message,
    )
    return page, status


def _case_page(case_id: int, message=None, status: int = 200, form: DecisionForm | None = None):
    review = queue.review(case_id, current_staff())
    if form is None:
        form = DecisionForm(formdata=None, public_note=review.original_note)
    # The page shows the item as it is now, so a decision sent from it answers this version;
    # a refused form keeps what the moderator chose and wrote.
    form.version.data = review.case.version
    if form.public_note.data is None:
        form.public_note.data = review.original_note
    page = render_template(
        ITEM_TEMPLATE,
        review=review,
        case=review.case,
        post=review.post,
        pieces=note_pieces(review.original_note, review.note_findings, review.case.rule_hits),
        other_hits=[hit for hit in review.case.rule_hits if hit.get("field") != "note"],
        decider=next(
            (e.staff.username for e in reversed(review.trail) if e.action.startswith("decide.")),
            None,
        ),
        lease_running=queue.holds_lease(review.case, None),
        mine=queue.holds_lease(review.case, current_staff()),
        form=form,
        decisions=DECISIONS,
        shortcuts=DECISION_SHORTCUTS,
        button_form=ButtonForm(formdata=None),
        message=message,
    )
    return page, status


def _problem_message(refusal: DomainError) -> str:
    locale = negotiate_locale()
    errors = refusal.errors or {}
    params = {"fields": [page_text("field_" + field) for field in errors]} if errors else {}
    # The API says when a claim runs out in UTC; the page says it in China time like its others.
    params.update(
        (name, page_time(value) if name in TIME_PARAMS else value)
        for name, value in refusal.params.items()
    )
    _title, detail = problem_text(refusal.code, locale, **params)
    for field, messages in errors.items():
        translated = " ".join(translate_field_error(text, locale) for text in messages)
        detail += f" {page_text('field_' + field)}: {translated}"
    return detail
