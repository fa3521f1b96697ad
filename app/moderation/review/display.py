"""How the review page shows codes, times and audit snapshots to a moderator.

Stored values stay codes and UTC instants (the API and the audit log keep them so); the pages turn
them into words in the reader's language and into China time, labelled, so that no page mixes
zones. A code with no words yet falls back to itself rather than failing the page.
"""

from datetime import datetime

from app.china_time import CHINA_TIME
from app.i18n import LIST_SEPARATORS, has_page_text, negotiate_locale, page_text
from app.moderation.review.routes import bp

PAGE_TIME_FORMAT = "%Y-%m-%d %H:%M"
# Audit actions whose second part is a decision, worded through the decision's own label.
DECISION_ACTION_PREFIX = "decide."
# Keys of the audit trail's before/after snapshots (app.moderation.decisions._snapshot, the claim's
# lease, a report's reason, an owner's edit of a held note): the prefix of page strings naming
# its values (None: values shown as they are), and the page string labelling the key.
SNAPSHOT_KEYS = {
    "case_state": ("state_", "snapshot_case_state"),
    "post_status": ("post_status_", "snapshot_post_status"),
    "poster_status": ("user_status_", "snapshot_poster_status"),
    "public_note": (None, "snapshot_public_note"),
    "reports": ("report_state_", "snapshot_reports"),
    "reason": ("report_reason_", "snapshot_reason"),
    "lease_expires_at": (None, "snapshot_lease_expires_at"),
    "note": (None, "snapshot_note"),
    "rule_hits": (None, "snapshot_rule_hits"),
}


def label(prefix: str, code: str) -> str:
    """The page string prefix + code in the reader's language, or the code when there is none."""
    return page_text(prefix + code) if has_page_text(prefix + code) else code


def words(labels) -> str:
    """Labels joined the reader's way (、 in Chinese)."""
    return LIST_SEPARATORS[negotiate_locale()].join(labels)


@bp.app_template_filter("page_time")
def page_time(moment: datetime | str | None) -> str:
    """An instant (or its ISO text, as the audit trail keeps it) in China time, zone named."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    shown = moment.astimezone(CHINA_TIME).strftime(PAGE_TIME_FORMAT)
    return page_text("china_time", time=shown)


@bp.app_template_filter("urgency_words")
def urgency_words(tags: list[str]) -> str:
    return words(label("urgency_", tag) for tag in tags)


@bp.app_template_filter("audit_action")
def audit_action(action: str) -> str:
    """An audit trail action in words; a decision reads through the decision's label."""
    if action.startswith(DECISION_ACTION_PREFIX):
        decision = action.removeprefix(DECISION_ACTION_PREFIX)
        if has_page_text("decision_" + decision):
            return page_text("audit_decide", decision=page_text("decision_" + decision))
        return action
    return label("audit_", action)


@bp.app_template_filter("snapshot_lines")
def snapshot_lines(snapshot: dict | None) -> list[tuple[str, str]]:
    """Every key of an audit before/after snapshot as (label, value) words, in a stable order."""
    return [
        (_snapshot_key(key), _snapshot_value(key, value))
        for key, value in sorted((snapshot or {}).items())
    ]


def _snapshot_key(key: str) -> str:
    return page_text(SNAPSHOT_KEYS[key][1]) if key in SNAPSHOT_KEYS else key


def _snapshot_value(key: str, value) -> str:
    if value is None or value == "" or value == {}:
        return page_text("none")
    if key == "lease_expires_at":
        return page_time(value)
    if key == "rule_hits":
        return words(page_text("snapshot_rule_hit", **hit) for hit in value)
    prefix = SNAPSHOT_KEYS.get(key, (None, None))[0]
    if isinstance(value, dict):
        return words(f"#{name} {_coded(prefix, item)}" for name, item in value.items())
    if isinstance(value, list):
        return words(_coded(prefix, item) for item in value)
    return _coded(prefix, value)


def _coded(prefix: str | None, value) -> str:
    return label(prefix, value) if prefix and isinstance(value, str) else str(value)
