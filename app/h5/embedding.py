"""Who may frame the H5 square: the Content-Security-Policy frame-ancestors of its pages.

Partner official accounts link to the page rather than frame it. Framing by a partner's own
registered web origins, named by ?partner=<public key id>, comes with the partners of issue 14;
until then no page may frame the square, whatever the URL says.
"""


def frame_ancestors(partner_public_id: str | None) -> str:
    """The frame-ancestors source list for a page opened with this ?partner= (or none)."""
    return "'none'"
