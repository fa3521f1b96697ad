"""Moderation's side of app.posts.moderation_hook: what it does when posts tell it something."""

from flask import Flask
from sqlalchemy import ColumnElement, Select, select, update

from app.extensions import db
from app.moderation.cases import Screening, hold_new_post, screen_post, screening_of
from app.moderation.models import ModerationCase, Report
from app.moderation.outcome import outcome, outcome_column
from app.posts.models import Post
from app.posts.moderation_hook import register
from moderation.masking import mask_personal_data

# What an erased note becomes: an appeal must keep a note (ck_moderation_cases_appeal_has_note).
ERASED_NOTE = ""


class ModerationOfPosts:
    def screen_new(self, texts: dict[str, str | None]) -> Screening | None:
        screening = screening_of(texts)
        return screening if screening.hits else None

    def held_new(self, post_id: int, kind: str, urgency: list[str], screening: Screening) -> None:
        hold_new_post(post_id, kind, urgency, screening)

    def note_edited(self, post, *, edited_from: str, masked_by_hand: bool) -> None:
        screen_post(post, edited_from=edited_from, masked_by_hand=masked_by_hand)

    def posts_erased(self, post_ids: Select) -> None:
        # An appeal is the poster's own words about the post: kept for the trail, masked.
        appeals = select(ModerationCase).where(
            ModerationCase.post_id.in_(post_ids), ModerationCase.appeal_note.is_not(None)
        )
        for case in db.session.scalars(appeals):
            case.appeal_note = mask_personal_data(case.appeal_note)

    def outcome_column(self, post_id: ColumnElement) -> ColumnElement:
        return outcome_column(post_id)

    def new_post_outcome(self, *, held: bool) -> dict | None:
        # Only its screening case, if screening held it.
        return {"open_kind": "screening", "last": None, "appealed": False} if held else None

    def outcome(self, value: dict | None, status: str, public_note: str) -> dict:
        return outcome(value, status, public_note)

    def account_erased(self, user_id: int) -> None:
        # Only moderators ever read these, so nothing of them is anyone else's to keep: the
        # account's report notes and its appeals' notes go whole, where a deleted post keeps
        # its public (masked) note, which everyone saw.
        db.session.execute(
            update(Report).where(Report.reporter_id == user_id).values(note=ERASED_NOTE)
        )
        db.session.execute(
            update(ModerationCase)
            .where(
                ModerationCase.post_id.in_(select(Post.id).where(Post.user_id == user_id)),
                ModerationCase.appeal_note.is_not(None),
            )
            .values(appeal_note=ERASED_NOTE)
            .execution_options(synchronize_session="fetch")
        )


def init_app(app: Flask) -> None:
    register(app, ModerationOfPosts())
