"""Opaque page cursors: where the last page ended, signed so clients cannot forge a position,
and bound to the query that produced them."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.errors import DomainError

SALT = "square-cursor"
NOT_A_CURSOR = "Not a cursor this service gave out."
OTHER_QUERY = "This cursor belongs to a different query."


class CursorInvalid(DomainError):
    code = "cursor_invalid"


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last post shown (planar distance or creation time, then post id) and
    how many posts the pages so far showed."""

    sort: str
    position: float | str
    post_id: int
    depth: int

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.position)

    def sign(self, query_fingerprint: str) -> str:
        payload = [self.sort, self.position, self.post_id, self.depth, query_fingerprint]
        return _serializer().dumps(payload)

    @classmethod
    def read(cls, token: str, query_fingerprint: str, sort: str) -> "Cursor":
        """The cursor in a token, checked against the query it is used with.

        Raises:
            CursorInvalid: naming the `cursor` field, for a forged or foreign token.
        """
        try:
            cursor_sort, position, post_id, depth, fingerprint = _serializer().loads(token)
        except (BadSignature, ValueError, TypeError) as error:
            raise CursorInvalid(errors={"cursor": [NOT_A_CURSOR]}) from error
        if fingerprint != query_fingerprint or cursor_sort != sort:
            raise CursorInvalid(errors={"cursor": [OTHER_QUERY]})
        return cls(cursor_sort, position, post_id, depth)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)
