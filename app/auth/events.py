"""What happens to an account that areas above auth act on (posts take theirs down), so that
auth need not import them. Sent inside the caller's transaction, before it commits."""

from blinker import Namespace

_events = Namespace()
# sender: the User just banned.
account_barred = _events.signal("account-barred")
# sender: an account about to be folded into another that the same person signs in with
# (app.auth.linking); the areas above erase it as a deleted account (app.me answers).
account_folded = _events.signal("account-folded")
# sender: an account; each receiver answers whether it holds something of its own that folding
# it away would lose (app.posts answers: a post).
account_holdings = _events.signal("account-holdings")
