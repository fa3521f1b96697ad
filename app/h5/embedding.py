"""Who may frame the H5 square: the Content-Security-Policy frame-ancestors of its pages.

Partner official accounts link to the page rather than frame it; a partner's own web pages may
frame it, from exactly the origins the partner registered, when the page's ?partner= names the
partner's public embed key by its public id.
"""

from app.partners import framing, service


def frame_ancestors(partner_public_id: str | None) -> str:
    """The frame-ancestors source list for a page opened with this ?partner= (or none): the
    registered origins of the active partner whose current public embed key it names, else
    'none' (no id, an unknown, revoked, expired or secret key's, a suspended partner's)."""
    return framing.frame_ancestors(service.linked_partner(partner_public_id))
