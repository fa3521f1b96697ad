"""Access and refresh tokens, checked against auth_sessions on every request.

flask-jwt-extended signs and verifies; this module decides what a valid token is: its session
is not revoked, its generation is the session's current one, and its account is active.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from flask_jwt_extended import create_access_token, create_refresh_token, jwt_required
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from app.auth.models import AuthSession, User
from app.errors import DomainError, problem_response
from app.extensions import db, jwt

BEARER_SCHEME = "bearerAuth"
BEARER = [{BEARER_SCHEME: []}]
BEARER_WORD = "Bearer"
CHALLENGE = {"WWW-Authenticate": BEARER_WORD}


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


def init_app(app: Flask, api) -> None:
    jwt.init_app(app)
    app.before_request(_bearer_in_any_case)
    api.spec.components.security_scheme(
        BEARER_SCHEME, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )


def _bearer_in_any_case() -> None:
    """Authentication schemes are case-insensitive (RFC 7235, 2.1): "bearer" and "BEARER" are
    "Bearer", which is the only spelling flask-jwt-extended reads. Written back into the
    environ, which request.headers reads, before anything looks for the token."""
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    scheme, space, credentials = header.strip().partition(" ")
    if space and scheme.lower() == BEARER_WORD.lower() and scheme != BEARER_WORD:
        request.environ["HTTP_AUTHORIZATION"] = f"{BEARER_WORD} {credentials.strip()}"


def signed_in(bp, *, refresh: bool = False):
    """Require a valid access (or refresh) token, and say so in the OpenAPI document."""

    def decorate(view):
        view = jwt_required(refresh=refresh)(view)
        view = bp.doc(security=BEARER)(view)
        return bp.alt_response(401, response="UNAUTHORIZED")(view)

    return decorate


def maybe_signed_in(bp):
    """Serve anyone, and know who is signed in when a valid token comes (a bad one is 401)."""

    def decorate(view):
        view = jwt_required(optional=True)(view)
        view = bp.doc(security=[{}, *BEARER])(view)
        return bp.alt_response(401, response="UNAUTHORIZED")(view)

    return decorate


def start_session(user: User, client: str) -> TokenPair:
    """Open a session for a device that has just signed in, and hand it its first tokens."""
    session = AuthSession(user=user, client=client)
    db.session.add(session)
    db.session.flush()
    return _token_pair(session.id, user.id, session.generation)


def refresh_session(claims: dict) -> TokenPair:
    """Replace the caller's tokens; the pair presented stops working.

    The compare-and-set on generation means two refreshes racing with one token cannot both
    win: the loser's token has already been replaced and is refused.
    """
    generation = db.session.execute(
        update(AuthSession)
        .where(
            AuthSession.id == claims["sid"],
            AuthSession.generation == claims["gen"],
            AuthSession.revoked_at.is_(None),
        )
        .values(generation=AuthSession.generation + 1, refreshed_at=datetime.now(UTC))
        .returning(AuthSession.generation)
    ).scalar_one_or_none()
    if generation is None:
        raise TokenRevoked
    db.session.commit()
    return _token_pair(claims["sid"], int(claims["sub"]), generation)


def end_session(claims: dict) -> None:
    """Sign the caller's device out: its access and refresh tokens stop working at once."""
    _revoke(AuthSession.id == claims["sid"])
    db.session.commit()


def replace_session(claims: dict, user: User) -> TokenPair:
    """End the caller's session and open one for `user` on the same device (the caller's
    account was linked into another). The caller commits."""
    client = db.session.get(AuthSession, claims["sid"]).client
    _revoke(AuthSession.id == claims["sid"])
    return start_session(user, client)


def end_all_sessions(user_id: int) -> None:
    """Sign an account out everywhere (ban, deletion). The caller commits."""
    _revoke(AuthSession.user_id == user_id)


class TokenRevoked(DomainError):
    """The token's session ended or moved on to newer tokens."""

    code = "token_revoked"
    headers = CHALLENGE


def _revoke(condition) -> None:
    db.session.execute(
        update(AuthSession)
        .where(condition, AuthSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def _token_pair(session_id: int, user_id: int, generation: int) -> TokenPair:
    claims = {"sid": session_id, "gen": generation}
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return TokenPair(
        access_token=create_access_token(str(user_id), additional_claims=claims),
        refresh_token=create_refresh_token(str(user_id), additional_claims=claims),
        expires_in=int(lifetime.total_seconds()),
    )


def _session_for(claims: dict) -> AuthSession | None:
    """The token's session with its account, read once per request."""
    if "auth_session" not in g:
        # One statement: the session, its account and the account's levels (what posting and
        # revealing a contact check), not one for each.
        g.auth_session = (
            db.session.execute(
                select(AuthSession)
                .join(AuthSession.user)
                .options(contains_eager(AuthSession.user).joinedload(User.verifications))
                .where(AuthSession.id == claims.get("sid"))
            )
            .unique()
            .scalar_one_or_none()
        )
    return g.auth_session


@jwt.token_in_blocklist_loader
def _token_is_revoked(_header: dict, claims: dict) -> bool:
    session = _session_for(claims)
    if session is None or str(session.user_id) != claims["sub"]:
        return True
    if session.user.status != "active":
        # Banning or deleting also revokes the sessions; the user lookup then says why.
        return False
    if session.revoked_at is not None:
        return True
    if claims["gen"] == session.generation:
        return False
    if claims["type"] == "refresh" and claims["gen"] < session.generation:
        # A replaced refresh token came back: someone kept a copy. End the session for both.
        _revoke(AuthSession.id == session.id)
        db.session.commit()
    return True


@jwt.user_lookup_loader
def _active_user(_header: dict, claims: dict) -> User | None:
    user = _session_for(claims).user
    return user if user.status == "active" else None


@jwt.unauthorized_loader
def _no_token(_reason: str):
    return problem_response("unauthorized", headers=CHALLENGE)


@jwt.invalid_token_loader
def _bad_token(_reason: str):
    return problem_response("token_invalid", headers=CHALLENGE)


@jwt.expired_token_loader
def _expired(_header: dict, _claims: dict):
    return problem_response("token_expired", headers=CHALLENGE)


@jwt.revoked_token_loader
def _revoked(_header: dict, _claims: dict):
    return problem_response("token_revoked", headers=CHALLENGE)


@jwt.user_lookup_error_loader
def _account_gone(_header: dict, _claims: dict):
    return problem_response("account_unavailable", headers=CHALLENGE)
