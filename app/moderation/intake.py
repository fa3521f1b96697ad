"""What users put in front of a moderator: reports on others' posts, and a poster's appeal.

Each opens the post's case, or joins the one already open (a post has at most one), holds the
post off the square when the rules say so, and writes an audit entry in the same transaction.
"""

from flask import current_app
from sqlalchemy import func, select

from app.auth.daily_quota import refuse_past_daily_quota
from app.auth.models import User, UserVerification
from app.auth.service import levels_for
from app.errors import DomainError, TryAgainLater
from app.extensions import db
from app.moderation import audit
from app.moderation.cases import changed, hold, open_case, open_case_of
from app.moderation.models import ModerationCase, Report
from app.moderation.outcome import APPEALABLE_DECISIONS
from app.posts.models import Post
from app.posts.service import (
    PostClosed,
    PostNotOpen,
    PostUnderReview,
    is_owner,
    owned_post,
    post_for_reader,
)

# Statuses an owner put their post in, which no moderator's decision can bring back from.
WITHDRAWN_BY_OWNER = ("deleted", "withdrawn")


class OwnPostReport(DomainError):
    code = "own_post_report"


class ReportExists(DomainError):
    code = "report_exists"


class NothingToAppeal(DomainError):
    code = "nothing_to_appeal"


class AppealUsed(DomainError):
    code = "appeal_used"


class ReportLimit(TryAgainLater):
    code = "report_limit"


def file_report(post_id: int, reporter: User, reason: str, note: str) -> Report:
    """Report someone else's post on the square.

    Reports from REPORTS_TO_HOLD different people verified to REPORT_HOLD_VERIFICATION_LEVEL
    (about a problem, not "already resolved") take the post off the square until a moderator
    decides; anyone else's report is recorded for the moderator and holds nothing.

    Raises:
        PostNotFound: no such post, or one others may not see.
        OwnPostReport: the reporter's own post.
        ReportLimit: the reporter filed REPORTS_PER_DAY reports today (China time).
        PostNotOpen: resolved, expired or already held: nothing left to protect anyone from.
        ReportExists: the reporter has an open report on this post.
    """
    post = post_for_reader(post_id, reporter)
    if is_owner(post, reporter):
        raise OwnPostReport
    refuse_past_daily_quota(
        reporter.id, _reports_filed_since(reporter), "REPORTS_PER_DAY", ReportLimit
    )
    # Serialises reports on one post, so the threshold is counted once per report.
    db.session.execute(select(Post.id).where(Post.id == post.id).with_for_update())
    db.session.refresh(post)
    if not post.on_the_square:
        raise PostNotOpen
    if _has_open_report(post.id, reporter.id):
        raise ReportExists
    kind = "resolved_report" if reason == "already_resolved" else "report"
    case = open_case_of(post.id) or open_case(post, kind)
    if kind == "report" and case.kind == "resolved_report":
        case.kind = "report"
    report = Report(post_id=post.id, case=case, reporter_id=reporter.id, reason=reason, note=note)
    db.session.add(report)
    db.session.flush()
    audit.record(
        "report", user_id=reporter.id, case_id=case.id, post_id=post.id, after={"reason": reason}
    )
    changed(case, post)
    if _problem_reporters(post.id) >= current_app.config["REPORTS_TO_HOLD"]:
        hold(post, case, "hold.reports")
    db.session.commit()
    return report


def appeal(post_id: int, user: User, note: str) -> ModerationCase:
    """The poster asks, once per post, for a moderator's decision to be looked at again.

    Raises:
        PostNotFound, NotPostOwner: as for owned_post.
        PostClosed: the owner deleted the post, or withdrew it: nothing is left to restore.
        PostUnderReview: the post is in the queue already.
        NothingToAppeal: no decision against the post.
        AppealUsed: the post was appealed before.
    """
    post = owned_post(post_id, user)
    if post.status in WITHDRAWN_BY_OWNER:
        raise PostClosed
    if open_case_of(post.id) is not None:
        raise PostUnderReview
    last = last_decision(post.id)
    if last is None or last.decision not in APPEALABLE_DECISIONS:
        raise NothingToAppeal
    if was_appealed(post.id):
        raise AppealUsed
    case = open_case(post, "appeal", appeal_note=note)
    changed(case, post)
    audit.record("appeal", user_id=user.id, case_id=case.id, post_id=post.id)
    db.session.commit()
    return case


def last_decision(post_id: int) -> ModerationCase | None:
    """The post's most recently decided case."""
    return db.session.scalar(
        select(ModerationCase)
        .where(ModerationCase.post_id == post_id, ModerationCase.state == "closed")
        .order_by(ModerationCase.closed_at.desc(), ModerationCase.id.desc())
        .limit(1)
    )


def was_appealed(post_id: int) -> bool:
    return (
        db.session.scalar(
            select(ModerationCase.id).where(
                ModerationCase.post_id == post_id, ModerationCase.kind == "appeal"
            )
        )
        is not None
    )


def _reports_filed_since(reporter: User):
    return lambda since: db.session.scalar(
        select(func.count(Report.id)).where(
            Report.reporter_id == reporter.id, Report.created_at >= since
        )
    )


def _problem_reporters(post_id: int) -> int:
    """Distinct reporters of the post's open problem reports verified enough to hold it."""
    verified = select(UserVerification.user_id).where(
        UserVerification.level.in_(levels_for("hold_by_report"))
    )
    return db.session.scalar(
        select(func.count(Report.reporter_id.distinct())).where(
            Report.post_id == post_id,
            Report.state == "open",
            Report.reason != "already_resolved",
            Report.reporter_id.in_(verified),
        )
    )


def _has_open_report(post_id: int, reporter_id: int) -> bool:
    return (
        db.session.scalar(
            select(Report.id).where(
                Report.post_id == post_id, Report.reporter_id == reporter_id, Report.state == "open"
            )
        )
        is not None
    )
