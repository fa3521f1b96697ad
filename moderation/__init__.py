"""Moderation: screening of what users write, reports, the review queue and its audit trail."""
