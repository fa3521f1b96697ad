"""A post's answers: its row read once (app/posts/rows.py), shown by the presenter to whoever
reads it, in the request's language."""

import functools

from app.auth.models import User
from app.catalog.service import catalog_rules
from app.extensions import db
from app.i18n import negotiate_locale
from app.posts.contact import decrypt_phone
from app.posts.lifecycle import PUBLIC
from app.posts.models import Post
from app.posts.moderation_hook import moderation
from app.posts.presenter import Language, Reader, language, others_post, owner_post
from app.posts.rows import owner_rows, post_row
from app.posts.service import PostNotFound


@functools.cache
def _language(locale: str) -> Language:
    return language(locale, catalog_rules()["units"])


def request_language() -> Language:
    """The words of the current request's locale."""
    return _language(negotiate_locale())


def post_page(post_id: int, reader_user: User | None, reader: Reader) -> dict:
    """A post by its link: all of it for its owner, the public view for anyone else.

    Raises:
        PostNotFound: no such post, or one others may no longer see (removed, withdrawn,
            deleted), so that its existence does not leak.
    """
    row = post_row(post_id, None if reader_user is None else reader_user.id)
    if row is None:
        raise PostNotFound
    if reader_user is not None and row.user_id == reader_user.id:
        return shown_to_owner(row, reader)
    if row.status not in PUBLIC:
        raise PostNotFound
    return others_post(row, reader, request_language())


def owner_page(post_id: int, owner: User, reader: Reader | None = None) -> dict:
    """The owner's view of their post, after they or a moderator changed it."""
    return post_page(post_id, owner, reader or Reader())


def owners_posts(user: User, reader: Reader) -> list[dict]:
    """The user's posts in every state but deleted, newest first, as their owner sees them."""
    query = (
        owner_rows(user.id)
        .where(Post.status != "deleted")
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    return [shown_to_owner(row, reader) for row in db.session.execute(query)]


def shown_to_owner(row, reader: Reader) -> dict:
    # bytes(): a row read as compiled SQL (app/sql_cache.py) holds the driver's memoryview.
    encrypted = row.contact_phone_encrypted
    return owner_post(
        row,
        reader,
        request_language(),
        contact_phone=None if encrypted is None else decrypt_phone(bytes(encrypted)),
        moderation=moderation().outcome(row.moderation, row.status, row.public_note),
    )
