"""What anyone but the owner may read of a post's note, stored with the post when it is written.

The public note is the note masked by moderation.masking, or a moderator's own masking of it
(hand_masked_note) masked once more, and it carries the masking rules' version. Reads take it
as stored and never mask; when the rules change (MASKING_VERSION rises), `remask` masks the rows
of older versions again, so no improvement to the masker leaves stale public text behind.
"""

from sqlalchemy import bindparam, select, update

from app.extensions import db
from app.posts.models import Post
from moderation.masking import MASKING_VERSION, mask_personal_data

_posts = Post.__table__
_REMASK = (
    update(_posts)
    .where(
        _posts.c.id == bindparam("row_id"),
        _posts.c.note == bindparam("row_note"),
        _posts.c.hand_masked_note.is_not_distinct_from(bindparam("row_hand_masked_note")),
    )
    .values(public_note=bindparam("new_public_note"), masking_version=MASKING_VERSION)
)


def public_note_of(note: str, hand_masked_note: str | None = None) -> str:
    """The note as everyone but its owner sees it: a moderator's masking, or the automatic one.

    A moderator's masking hid at least what automatic masking found when it was made; masking it
    again hides whatever newer rules find as well.
    """
    return mask_personal_data(hand_masked_note if hand_masked_note is not None else note)


def note_columns(note: str, hand_masked_note: str | None = None) -> dict:
    """The note's stored columns, for an insert or an update of a post's note."""
    return {
        "note": note,
        "hand_masked_note": hand_masked_note,
        "public_note": public_note_of(note, hand_masked_note),
        "masking_version": MASKING_VERSION,
    }


def write_note(post: Post, note: str, hand_masked_note: str | None = None) -> None:
    """Set a post's note (and a moderator's masking of it, or none) with its public form."""
    for column, value in note_columns(note, hand_masked_note).items():
        setattr(post, column, value)


def remask(batch: int) -> int:
    """Mask again every post whose public note is of an older MASKING_VERSION, a batch per
    transaction; returns how many were written.

    A row whose note changed since its batch was read is left to the write that changed it,
    which stored its own public note under the current rules.
    """
    written = 0
    after = 0
    while True:
        rows = db.session.execute(
            select(Post.id, Post.note, Post.hand_masked_note)
            .where(Post.masking_version != MASKING_VERSION, Post.id > after)
            .order_by(Post.id)
            .limit(batch)
        ).all()
        if not rows:
            return written
        result = db.session.execute(
            _REMASK,
            [
                {
                    "row_id": post_id,
                    "row_note": note,
                    "row_hand_masked_note": hand_masked_note,
                    "new_public_note": public_note_of(note, hand_masked_note),
                }
                for post_id, note, hand_masked_note in rows
            ],
        )
        written += result.rowcount
        db.session.commit()
        after = rows[-1].id
