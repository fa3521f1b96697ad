"""What happens to an account that areas above auth act on (posts take theirs down), so that
auth need not import them. Sent inside the caller's transaction, before it commits."""

from blinker import Namespace

_events = Namespace()
# sender: the User just banned.
account_barred = _events.signal("account-barred")
