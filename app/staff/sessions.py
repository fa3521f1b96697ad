"""Which staff member a request comes from, read from the review page's session cookie.

Flask keeps the session in a signed cookie holding the staff id and the account's session
version. The account row decides whether the cookie still counts: bumping the version
(sign-out, lock-out, disabling) ends every copy of it. Sign-in time and last activity in the
cookie bound its life, since Flask re-signs (and so re-dates) the cookie on each request.
"""

import functools
import time

from flask import current_app, g, session

from app.staff import service
from app.staff.models import StaffAccount
from app.staff.service import StaffRoleRequired, StaffSignInRequired


def begin_code_step(staff_id: int) -> None:
    """The password was right: remember whose TOTP code the next form asks for."""
    session.clear()
    session["code_step_staff_id"] = staff_id
    session["code_step_since"] = int(time.time())


def code_step_staff_id() -> int | None:
    """The staff member whose password was just checked, if it was checked recently."""
    since = session.get("code_step_since")
    limit = current_app.config["STAFF_CODE_STEP_MINUTES"] * 60
    if since is None or time.time() - since > limit:
        return None
    return session.get("code_step_staff_id")


def begin(staff: StaffAccount) -> None:
    """Both steps passed: start a fresh session (nothing from before sign-in carries over)."""
    session.clear()
    now = int(time.time())
    session.update(
        staff_id=staff.id,
        staff_version=staff.session_version,
        signed_in_at=now,
        seen_at=now,
    )


def current_staff() -> StaffAccount | None:
    """The signed-in staff member, or None once the session ended, expired or sat idle."""
    if "staff" in g:
        return g.staff
    g.staff = _staff_from_session()
    if g.staff is None and "staff_id" in session:
        _forget_staff()
    elif g.staff is not None:
        session["seen_at"] = int(time.time())
    return g.staff


def end() -> None:
    """Sign out: this cookie and any copy of it stop working."""
    staff = current_staff()
    if staff is not None:
        service.sign_out(staff.id)
    session.clear()


def staff_required(role: str | None = None):
    """Let only a signed-in staff member (holding role, when given) through to the view.

    Raises:
        StaffSignInRequired: no valid staff session; the review page redirects to sign-in.
        StaffRoleRequired: signed in, without the role.
    """

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                raise StaffSignInRequired
            if role is not None and not service.has_role(staff, role):
                raise StaffRoleRequired
            return view(*args, **kwargs)

        return guarded

    return decorate


def _staff_from_session() -> StaffAccount | None:
    if "staff_id" not in session:
        return None
    now = time.time()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    if now - session["signed_in_at"] > lifetime or now - session["seen_at"] > idle:
        return None
    return service.staff_for_session(session["staff_id"], session["staff_version"])


def _forget_staff() -> None:
    for key in ("staff_id", "staff_version", "signed_in_at", "seen_at"):
        session.pop(key, None)
