"""Moderation: the review queue over posts, its reports, appeals, decisions and audit trail,
its JSON API and the review page. The text rules it applies are the top-level moderation/."""
