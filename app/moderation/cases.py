"""A post's case in the queue: opening or joining it, holding the post, and screening.

A post has at most one open case; what arrives while it is open (another report, an edited note)
joins it. Every change bumps the case's version, so a decision made without seeing it is stale.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.moderation import audit
from app.moderation.models import ModerationCase, Report
from app.posts import lifecycle
from app.posts.models import Post
from moderation.masking import mask_personal_data
from moderation.screening import load_rules, screen

# The queue's order. A report from one more person counts most: several people saw a problem.
# A rule's severity (1-3) counts next; an urgent need waits for a false positive least.
REPORTER_WEIGHT = 10
RESOLVED_REPORTER_WEIGHT = 2
SEVERITY_WEIGHT = 5
URGENT_NEED_WEIGHT = 3
APPEAL_WEIGHT = 5
# The fields of a post people write freely, each screened on its own so spans index it.
SCREENED_FIELDS = ("note", "address_hint")


@dataclass(frozen=True)
class Screening:
    """Screening's hits on a post's free text ([{field, rule_id, kind, severity, start, end}])
    under one version of the rules."""

    hits: list[dict]
    rules_version: str


def screening_of(texts: dict[str, str | None]) -> Screening:
    """Run the trading rules over each screened field (SCREENED_FIELDS: text or None)."""
    rules = load_rules()
    hits = [
        {
            "field": field,
            "rule_id": hit.rule_id,
            "kind": hit.kind,
            "severity": hit.severity,
            "start": hit.start,
            "end": hit.end,
        }
        for field in SCREENED_FIELDS
        for hit in screen(texts.get(field) or "", rules)
    ]
    return Screening(hits, str(rules.version))


def hold_new_post(post_id: int, kind: str, urgency: list[str], screening: Screening) -> None:
    """Open the screening case of a post made held in this transaction (screening_of hit it).

    Two statements: the case, and the hold's audit entry. A new post has no reports, so its
    priority needs no query.
    """
    severity = max(hit["severity"] for hit in screening.hits)
    urgent = kind == "need" and bool(urgency)
    case = ModerationCase(
        post_id=post_id,
        kind="screening",
        rule_hits=screening.hits,
        rules_version=screening.rules_version,
        priority=SEVERITY_WEIGHT * severity + URGENT_NEED_WEIGHT * urgent,
    )
    db.session.add(case)
    db.session.flush()
    audit.record(
        "hold.screening",
        case_id=case.id,
        post_id=post_id,
        before={"post_status": "open"},
        after={"post_status": "held"},
    )


def screen_post(post: Post, *, edited_from: str, masked_by_hand: bool) -> bool:
    """Screen an edited note for trading; hold the post for a moderator on a hit.

    The caller has flushed the post and commits.

    Args:
        edited_from: the note before the owner's edit; the edit is audited, masked, so the
            moderator can still see what a held post said when it was held.
        masked_by_hand: a moderator had masked the old note by hand, so the new one goes back to
            a moderator whether or not a rule hits: automatic masking missed something before.

    Returns:
        Whether the post is held (or stays held) for review.
    """
    screening = screening_of({field: getattr(post, field) for field in SCREENED_FIELDS})
    hits = screening.hits
    case = open_case_of(post.id)
    if case is None and not hits and not masked_by_hand:
        return False
    if case is None:
        case = open_case(post, "screening")
    earlier_hits = case.rule_hits
    case.rule_hits = hits
    case.rules_version = screening.rules_version
    changed(case, post)
    audit.record(
        "edit.note",
        user_id=post.user_id,
        case_id=case.id,
        post_id=post.id,
        before={"note": mask_personal_data(edited_from), "rule_hits": earlier_hits},
        after={"note": mask_personal_data(post.note), "rule_hits": hits},
    )
    if hits:
        hold(post, case, "hold.screening")
    elif masked_by_hand:
        hold(post, case, "hold.masked_note_edited")
    return post.status == "held"


def hold(post: Post, case: ModerationCase, action: str) -> None:
    """Take a post off the square until its case is decided.

    An expired post is held too: its owner could otherwise renew it straight back on.
    """
    before = post.status
    if not lifecycle.hold(post):
        return
    audit.record(
        action,
        case_id=case.id,
        post_id=post.id,
        before={"post_status": before},
        after={"post_status": "held"},
    )


def open_case_of(post_id: int) -> ModerationCase | None:
    return db.session.scalar(
        select(ModerationCase)
        .where(ModerationCase.post_id == post_id, ModerationCase.state == "open")
        .with_for_update()
    )


def priority_of(case: ModerationCase, post: Post) -> int:
    """Where the case stands in the queue: reporters, then rule severity, then urgency."""
    counts = dict(
        db.session.execute(
            select(Report.reason == "already_resolved", func.count(Report.reporter_id.distinct()))
            .where(Report.case_id == case.id, Report.state == "open")
            .group_by(Report.reason == "already_resolved")
        ).all()
    )
    severity = max((hit["severity"] for hit in case.rule_hits), default=0)
    urgent = post.kind == "need" and bool(post.urgency)
    return (
        REPORTER_WEIGHT * counts.get(False, 0)
        + RESOLVED_REPORTER_WEIGHT * counts.get(True, 0)
        + SEVERITY_WEIGHT * severity
        + URGENT_NEED_WEIGHT * urgent
        + APPEAL_WEIGHT * (case.kind == "appeal")
    )


def open_case(post: Post, kind: str, appeal_note: str | None = None) -> ModerationCase:
    case = ModerationCase(post_id=post.id, kind=kind, appeal_note=appeal_note, version=0)
    db.session.add(case)
    db.session.flush()
    return case


def changed(case: ModerationCase, post: Post) -> None:
    """Something the moderator must see arrived: a decision made before it is stale."""
    db.session.flush()
    case.version += 1
    # Never lower while open: an edit that takes the hits away does not send a held post to the
    # back of the queue.
    case.priority = max(case.priority, priority_of(case, post))
