"""A moderator's decision on a queue item: what it does to the post, its reports and its poster.

Every decision needs a reason, the lease on the item and the version the moderator saw; it
closes the item and is audited with the state before and after, all in one transaction.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from app.auth.models import User
from app.auth.service import bar_user
from app.errors import DomainError, FieldsInvalid
from app.extensions import db
from app.moderation import audit
from app.moderation.intake import last_decision
from app.moderation.models import ModerationCase
from app.moderation.queue import CaseClosed, CaseNotFound, holds_lease, locked_case
from app.posts import lifecycle
from app.posts.models import Post
from app.posts.public import write_note
from app.staff.models import StaffAccount
from moderation.masking import find_personal_data

# Characters a moderator may put over the note's own to hide them.
MASK_CHARACTERS = frozenset("*＊")
# Decisions that put a post back up: they cannot apply to a banned or deleted account's post, nor
# to one its owner deleted or withdrew (remove closes such an item).
REOPENING = frozenset({"approve", "dismiss_reports", "edit_masking"})
PUBLIC_NOTE_ONLY_FOR_MASKING = "Only an edit_masking decision takes a public_note."
MASKING_MUST_ONLY_HIDE = (
    "Must be the note with some characters replaced by *, and nothing else changed."
)
MASKING_MUST_HIDE_PERSONAL_DATA = (
    "Still shows personal data (a number, handle or address): hide it with * as well."
)


class LeaseRequired(DomainError):
    """The moderator does not hold a running lease on the item: claim it first."""

    code = "lease_required"


class StaleVersion(DomainError):
    """The item changed after the moderator loaded it."""

    code = "stale_version"


class DecisionNotApplicable(DomainError):
    code = "decision_not_applicable"


def decide(
    case_id: int,
    staff: StaffAccount,
    decision: str,
    reason: str,
    version: int,
    public_note: str | None = None,
) -> ModerationCase:
    """Decide an item and close it.

    Args:
        decision: one of app.moderation.models.DECISIONS.
        reason: why; the poster sees it with the outcome, so it must not quote personal data.
        version: the item's version when the moderator read it.
        public_note: for edit_masking, the note with what to hide replaced by *.

    Raises:
        CaseNotFound, CaseClosed, LeaseRequired, StaleVersion, DecisionNotApplicable,
        FieldsInvalid: public_note does not only hide characters of the note.
    """
    # The poster first: a ban bars every post of the poster, so two bans of one poster from
    # two items (or a ban and the poster's renewal) each held one post and waited for the
    # other's. Then the post before its case, the order a report or a note edit locks them in:
    # the other order deadlocks against a report on the same post arriving at the same moment.
    poster_id = db.session.scalar(
        select(Post.user_id)
        .join(ModerationCase, ModerationCase.post_id == Post.id)
        .where(ModerationCase.id == case_id)
    )
    if poster_id is None:
        raise CaseNotFound
    db.session.execute(select(User.id).where(User.id == poster_id).with_for_update())
    post = db.session.scalar(
        select(Post)
        .join(ModerationCase, ModerationCase.post_id == Post.id)
        .where(ModerationCase.id == case_id)
        .with_for_update(of=Post)
    )
    case = locked_case(case_id)
    if case.state != "open":
        raise CaseClosed
    if not holds_lease(case, staff):
        raise LeaseRequired
    if case.version != version:
        raise StaleVersion(current=case.version)
    if public_note is not None and decision != "edit_masking":
        raise FieldsInvalid(errors={"public_note": [PUBLIC_NOTE_ONLY_FOR_MASKING]})
    poster = db.session.get(User, post.user_id)
    if (
        decision in REOPENING
        and (poster.status != "active" or post.status not in lifecycle.MODERATED)
    ) or (decision == "ban" and poster.status != "active"):
        # Nothing would happen (a ban of a poster another item's ban barred a moment ago):
        # saying so beats recording a decision that did nothing.
        raise DecisionNotApplicable
    before = _snapshot(case, post, poster)
    EFFECTS[decision](case, post, poster, public_note)
    now = datetime.now(UTC)
    case.state = "closed"
    case.decision = decision
    case.decision_reason = reason
    case.decided_by = staff.id
    case.closed_at = now
    case.claimed_by = None
    case.lease_expires_at = None
    case.version += 1
    db.session.flush()
    audit.record(
        f"decide.{decision}",
        staff=staff,
        case_id=case.id,
        post_id=post.id,
        reason=reason,
        before=before,
        after=_snapshot(case, post, poster),
    )
    db.session.commit()
    return case


def _approve(case, post, poster, _public_note) -> None:
    _close_reports(case, "dismissed")
    if case.kind == "appeal" and poster.status == "active":
        _undo(last_decision(post.id).decision, post)
    lifecycle.approve(post)


def _undo(appealed: str, post: Post) -> None:
    # The appeal says the moderator was wrong: what their decision did to the post goes, and
    # only that (a post its owner resolved after a masking stays resolved).
    if appealed == "mark_resolved":
        lifecycle.reopen(post)
    elif appealed == "edit_masking":
        write_note(post, post.note)


def _dismiss_reports(case, post, _poster, _public_note) -> None:
    if not _open_reports(case) or case.rule_hits:
        # With rule hits, the reports are not all that holds the post: approve judges both.
        raise DecisionNotApplicable
    _close_reports(case, "dismissed")
    lifecycle.approve(post)


def _hide(case, post, _poster, _public_note) -> None:
    _close_reports(case, "upheld")
    lifecycle.hide(post)


def _remove(case, post, _poster, _public_note) -> None:
    _close_reports(case, "upheld")
    lifecycle.remove(post)


def _warn(case, post, poster, public_note) -> None:
    # A warning is a hide that also counts against the poster in their history.
    _hide(case, post, poster, public_note)


def _mark_resolved(case, post, _poster, _public_note) -> None:
    _close_reports(case, "upheld")
    lifecycle.mark_resolved(post)


def _edit_masking(case, post, _poster, public_note) -> None:
    if public_note is None or not _only_hides(post.note, public_note):
        raise FieldsInvalid(errors={"public_note": [MASKING_MUST_ONLY_HIDE]})
    if find_personal_data(public_note):
        # It replaces the automatic masking everyone else sees, so it must hide at least as much.
        raise FieldsInvalid(errors={"public_note": [MASKING_MUST_HIDE_PERSONAL_DATA]})
    _close_reports(case, "upheld")
    write_note(post, post.note, hand_masked_note=public_note)
    lifecycle.approve(post)


def _ban(case, post, poster, _public_note) -> None:
    _close_reports(case, "upheld")
    bar_user(poster)
    db.session.refresh(post)


EFFECTS: dict[str, Callable] = {
    "approve": _approve,
    "dismiss_reports": _dismiss_reports,
    "hide": _hide,
    "remove": _remove,
    "warn": _warn,
    "mark_resolved": _mark_resolved,
    "edit_masking": _edit_masking,
    "ban": _ban,
}


def _only_hides(note: str, public_note: str) -> bool:
    return len(note) == len(public_note) and all(
        shown == written or shown in MASK_CHARACTERS
        for written, shown in zip(note, public_note, strict=True)
    )


def _open_reports(case: ModerationCase) -> list:
    return [report for report in case.reports if report.state == "open"]


def _close_reports(case: ModerationCase, state: str) -> None:
    now = datetime.now(UTC)
    for report in _open_reports(case):
        report.state = state
        report.closed_at = now


def _snapshot(case: ModerationCase, post: Post, poster: User) -> dict:
    return {
        "case_state": case.state,
        "post_status": post.status,
        # The moderator's own masking, as edit_masking set it (None: the automatic one shows).
        "public_note": post.hand_masked_note,
        "poster_status": poster.status,
        "reports": {str(report.id): report.state for report in case.reports},
    }
