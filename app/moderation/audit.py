"""The moderation audit trail: one row per action on a case or post, never changed afterwards.

Each entry is written in the transaction of the change it records, so an action and its entry
commit or fail together, and is echoed to the "medshare.audit" log (without the free text, which
may quote what a user wrote).
"""

import logging

from sqlalchemy import select

from app.auth.pseudonyms import pseudonym_of
from app.extensions import db
from app.moderation.models import AuditEntry
from app.staff.models import StaffAccount

audit_log = logging.getLogger("medshare.audit")


def record(
    action: str,
    *,
    staff: StaffAccount | None = None,
    user_id: int | None = None,
    case_id: int | None = None,
    post_id: int | None = None,
    reason: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append an entry; the caller commits it with the change it describes.

    Args:
        action: what happened, e.g. "claim", "decide.hide", "view_original", "hold".
        staff: the moderator or admin who acted; None for the poster, a reporter or the rules.
        user_id: the user who acted (a reporter, an appealing poster), when staff is None;
            the entry and the log name them by their audit pseudonym only.
        before, after: the state the action changed, as JSON-ready dicts.
    """
    actor_kind = "staff" if staff is not None else ("user" if user_id is not None else "system")
    pseudonym = pseudonym_of(user_id) if user_id is not None else None
    entry = AuditEntry(
        actor_kind=actor_kind,
        staff_id=staff.id if staff is not None else None,
        user_pseudonym=pseudonym,
        action=action,
        case_id=case_id,
        post_id=post_id,
        reason=reason,
        before=before,
        after=after,
    )
    db.session.add(entry)
    audit_log.info(
        "moderation",
        extra={
            "fields": {
                "event": f"moderation.{action}",
                "actor": actor_kind,
                "staff_id": entry.staff_id,
                "user": None if pseudonym is None else str(pseudonym),
                "case_id": case_id,
                "post_id": post_id,
            }
        },
    )
    return entry


def trail(*, case_id: int | None = None, post_id: int | None = None) -> list[AuditEntry]:
    """Entries about a case or a post, oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    if post_id is not None:
        query = query.where(AuditEntry.post_id == post_id)
    return list(db.session.scalars(query))
