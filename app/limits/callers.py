"""Who a request is counted against.

A caller is counted by each name it has: its client address (IPv6 by the /64 a household or a
phone is given, since one device can hop between the addresses in it), the signed-in user its
token names, and the partner whose key it carries.
"""

import ipaddress

from flask import g, request
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import PyJWTError

IPV6_GROUP_PREFIX = 64
BEARER_PREFIX = "Bearer "


def address_key() -> str:
    """The client address as limits count it: an IPv4 address, or an IPv6 address's /64."""
    return f"address:{client_network(request.remote_addr or '')}"


def client_network(remote_addr: str) -> str:
    """remote_addr (an IPv4-mapped IPv6 address as the IPv4 it is) or its IPv6 /64."""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_GROUP_PREFIX}", strict=False))
    return str(address)


def user_key() -> str | None:
    """The user a valid bearer token names, or None.

    Only the signature and the expiry are checked (no database): enough that nobody can spend
    another user's allowance or spread over many; the view still checks the session.
    """
    if "rate_limit_user" not in g:
        g.rate_limit_user = _token_subject()
    return g.rate_limit_user


def _token_subject() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith(BEARER_PREFIX):
        return None
    try:
        claims = decode_token(header.removeprefix(BEARER_PREFIX).strip())
    except (PyJWTError, JWTExtendedException, ValueError):
        return None
    return f"user:{claims['sub']}"
