"""Deleting a post and deleting the account erase alike: after either, what its owner wrote is
nowhere readable in clear, the moderators' tables included."""

from app.moderation.models import ModerationCase, Report
from app.posts.models import Post
from moderation.masking import mask_personal_data
from tests.factories import make_post
from tests.me.test_no_clear_personal_data import every_value

PHONE = "13912345678"
HANDLE = "wx_liu2022"
NOTE = f"多买了，电话 {PHONE}，微信 {HANDLE}"


def _clear_copies(db_session) -> list[tuple[str, str]]:
    """(table, column) of every value anywhere that still holds the number or the handle."""
    db_session.flush()
    return sorted(
        {
            (table_name, column_name)
            for table_name, column_name, value in every_value(db_session)
            if PHONE in value or HANDLE in value
        }
    )


def _owner_wrote_everywhere(poster, db_session):
    """A user whose post note, appeal and report all carry the number and the handle."""
    user, headers = poster()
    post = make_post(user, note=NOTE, phone="19900001234")
    other, _ = poster()
    others = make_post(other)
    case = ModerationCase(post_id=post.id, kind="appeal", appeal_note=NOTE, version=1)
    db_session.add(case)
    db_session.flush()
    report_case = ModerationCase(post_id=others.id, kind="report", version=1)
    db_session.add(report_case)
    db_session.flush()
    db_session.add(
        Report(
            post_id=others.id,
            case_id=report_case.id,
            reporter_id=user.id,
            reason="other",
            note=NOTE,
        )
    )
    db_session.commit()
    return user, headers, post, case


def test_a_deleted_accounts_notes_are_readable_nowhere(client, poster, db_session):
    _user, headers, post, case = _owner_wrote_everywhere(poster, db_session)
    assert _clear_copies(db_session) != []
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    db_session.expire_all()
    assert _clear_copies(db_session) == []
    assert db_session.get(Post, post.id).note == mask_personal_data(NOTE)
    # Only moderators read an appeal, so nothing of it is anyone else's to keep.
    assert db_session.get(ModerationCase, case.id).appeal_note == ""


def test_a_deleted_post_erases_as_a_deleted_account_does(client, poster, db_session):
    user, headers, post, case = _owner_wrote_everywhere(poster, db_session)
    assert client.delete(f"/api/v1/posts/{post.id}", headers=headers).status_code == 204
    db_session.expire_all()
    erased = db_session.get(Post, post.id)
    assert (erased.status, erased.note, erased.hand_masked_note) == (
        "deleted",
        mask_personal_data(NOTE),
        None,
    )
    assert (erased.contact_phone_encrypted, erased.address_hint) == (None, None)
    assert db_session.get(ModerationCase, case.id).appeal_note == mask_personal_data(NOTE)
    # The account lives on: what it wrote about others' posts is still its own to keep.
    assert db_session.query(Report).filter_by(reporter_id=user.id).one().note == NOTE
