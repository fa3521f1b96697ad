"""Moderation's side of app.posts.moderation_hook: what it does when posts tell it something."""

from flask import Flask
from sqlalchemy import ColumnElement, Select, select

from app.extensions import db
from app.moderation.cases import screen_post
from app.moderation.models import ModerationCase, Report
from app.moderation.outcome import outcome, outcome_column
from app.posts.moderation_hook import register
from moderation.masking import mask_personal_data


class ModerationOfPosts:
    def note_written(self, post, *, new: bool, edited_from: str | None, masked_by_hand: bool):
        screen_post(post, new=new, edited_from=edited_from, masked_by_hand=masked_by_hand)

    def posts_erased(self, post_ids: Select) -> None:
        # An appeal is the poster's own words about the post: kept for the trail, masked.
        appeals = select(ModerationCase).where(
            ModerationCase.post_id.in_(post_ids), ModerationCase.appeal_note.is_not(None)
        )
        for case in db.session.scalars(appeals):
            case.appeal_note = mask_personal_data(case.appeal_note)

    def outcome_column(self, post_id: ColumnElement) -> ColumnElement:
        return outcome_column(post_id)

    def outcome(self, value: dict | None, status: str, public_note: str) -> dict:
        return outcome(value, status, public_note)

    def account_erased(self, user_id: int) -> None:
        for report in db.session.scalars(select(Report).where(Report.reporter_id == user_id)):
            report.note = mask_personal_data(report.note)


def init_app(app: Flask) -> None:
    register(app, ModerationOfPosts())
