"""One person, two accounts: the one a WeChat sign-in made (mini program or H5 page) and the one
that signs in with a mobile number. Proving the number by SMS links them.

Binding a number another account holds is refused (409 mobile_in_use); once the caller proves
the number with a code sent to it, the two become one: the account that holds nothing of its own
yet (no verified identity, no post) is folded into the other, which gains its ways of signing in,
and is then deleted as DELETE /me deletes. Two accounts that both hold something are not merged.
"""

import logging

from flask import current_app
from sqlalchemy import select

from app.auth.events import account_folded, account_holdings
from app.auth.lookup import lookup_digest, mask_mobile
from app.auth.models import SIGN_IN_COLUMNS, User
from app.auth.pseudonyms import pseudonym_of
from app.auth.service import MobileInUse, bind_mobile, record_verification
from app.errors import DomainError
from app.extensions import db

audit_log = logging.getLogger("medshare.audit")


class AccountsBothInUse(DomainError):
    """Both accounts have a verified identity or posts of their own; neither can be folded."""

    code = "accounts_both_in_use"


class LinkConflict(DomainError):
    """The two accounts sign in with different numbers or as different WeChat users, so they
    are not one person's."""

    code = "link_conflict"


def link_mobile(caller: User, mobile: str) -> User:
    """Give the caller's account a mobile number the caller has just proved by SMS, linking it
    with the account that already signs in with that number, if one does.

    Returns:
        The account the caller is now: theirs, or the number's when theirs was folded into it.

    Raises:
        MobileInUse: the number's account is banned.
        AccountsBothInUse: both accounts hold posts or a verified identity.
        LinkConflict: the accounts sign in with different numbers or WeChat users.
    """
    digest = lookup_digest("mobile", mobile, current_app.config["LOOKUP_HMAC_KEY"])
    holder = db.session.scalars(select(User).where(User.phone_hmac == digest)).one_or_none()
    if holder is None or holder.id == caller.id:
        bind_mobile(caller, mobile, provider="sms")
        return caller
    if holder.status != "active":
        raise MobileInUse
    if _holds_nothing(caller):
        kept, folded = holder, caller
    elif _holds_nothing(holder):
        kept, folded = caller, holder
    else:
        raise AccountsBothInUse
    moved = {column: getattr(folded, column) for column in SIGN_IN_COLUMNS}
    moved = {column: digest for column, digest in moved.items() if digest is not None}
    if any(getattr(kept, column) not in (None, digest) for column, digest in moved.items()):
        raise LinkConflict
    # Before the erase forgets it: the log line may be all that says which account was folded.
    folded_pseudonym = str(pseudonym_of(folded.id))
    # The folded account lets go first: each of these is unique.
    _erase(folded)
    db.session.flush()
    for column, moved_digest in moved.items():
        setattr(kept, column, moved_digest)
    kept.phone_masked = mask_mobile(mobile)
    record_verification(kept, "phone", "sms")
    audit_log.info(
        "accounts_linked",
        extra={
            "fields": {
                "event": "accounts_linked",
                "user": str(pseudonym_of(kept.id)),
                "folded": folded_pseudonym,
            }
        },
    )
    return kept


def _holds_nothing(user: User) -> bool:
    """Whether the account has nothing a person would lose: no verified identity, and nothing
    an area above holds for it (a post)."""
    if user.verification("identity") is not None:
        return False
    return not any(held for _area, held in account_holdings.send(user))


def _erase(folded: User) -> None:
    if not account_folded.receivers:
        # Nobody would erase it: the account would live on with its posts' numbers and spots.
        raise RuntimeError("no area erases a folded account")
    account_folded.send(folded)
