"""How posts tell moderation what happens to them, without importing it.

Moderation sits above posts (its cases are about posts), so posts cannot call it. It registers
one PostModeration when the app is made (app.moderation.init_app); posts call the registered
one. An app without moderation gets NO_MODERATION, which screens nothing and keeps no cases.
"""

from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import ColumnElement, Select, null

from app.posts.models import Post

EXTENSION = "medshare.post_moderation"


class PostModeration(Protocol):
    def screen_new(self, texts: dict[str, str | None]):
        """Before a post is made: what moderation makes of its free text (note, address_hint),
        or None when nothing holds it. The post is then made held, and held_new follows."""

    def held_new(self, post_id: int, kind: str, urgency: list[str], screening) -> None:
        """A post was made held for what screen_new found; the caller commits."""

    def note_edited(self, post: Post, *, edited_from: str, masked_by_hand: bool) -> None:
        """Its owner edited a post's note; the post is flushed, the caller commits. Moderation
        may hold the post (through app.posts.lifecycle).

        Args:
            edited_from: the note before the edit.
            masked_by_hand: a moderator had masked the old note by hand.
        """

    def posts_erased(self, post_ids: Select) -> None:
        """These posts' personal details were erased: so must moderation's copies of what
        their owner wrote (appeal notes)."""

    def account_erased(self, user_id: int) -> None:
        """The account was deleted: what it wrote only moderators read (report notes, appeal
        notes) goes too."""

    def outcome_column(self, post_id: ColumnElement) -> ColumnElement:
        """A column of what moderation did to the post, for its owner's view."""

    def new_post_outcome(self, *, held: bool):
        """What outcome_column would say of a post just made (held by screening or not)."""

    def outcome(self, value, status: str, public_note: str) -> dict:
        """The owner's `moderation` (ModerationOutcomeSchema), from outcome_column's value."""


class _NoModeration:
    def screen_new(self, texts) -> None:
        return None

    def held_new(self, post_id, kind, urgency, screening) -> None:
        return None

    def note_edited(self, post, *, edited_from, masked_by_hand) -> None:
        return None

    def posts_erased(self, post_ids) -> None:
        return None

    def account_erased(self, user_id) -> None:
        return None

    def outcome_column(self, post_id):
        return null()

    def new_post_outcome(self, *, held):
        return None

    def outcome(self, value, status, public_note) -> dict:
        return {
            "under_review": False,
            "decision": None,
            "reason": None,
            "decided_at": None,
            "appealed": False,
            "can_appeal": False,
            "public_note": public_note,
        }


NO_MODERATION = _NoModeration()


def register(app: Flask, moderation: PostModeration) -> None:
    app.extensions[EXTENSION] = moderation


def moderation() -> PostModeration:
    """The moderation the current app registered."""
    return current_app.extensions.get(EXTENSION, NO_MODERATION)
