"""Whether a request reads or writes, which limits count apart and which a partner's public key
may only do the first of."""

from flask import request

READ, WRITE = "reads", "writes"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# POSTs that only read: the square's filters in a body, for polygons too long for a URL.
READ_ENDPOINTS = frozenset({"posts.Search"})


def category() -> str:
    """READ for the methods that change nothing and for READ_ENDPOINTS, else WRITE."""
    if request.method in SAFE_METHODS or request.endpoint in READ_ENDPOINTS:
        return READ
    return WRITE
