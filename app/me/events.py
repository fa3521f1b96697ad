"""What happens to an account that areas above me act on (posts withdraw and erase theirs), so
that me need not import them. Sent inside the caller's transaction, before it commits."""

from blinker import Namespace

_events = Namespace()
# sender: the User; purpose: the consent withdrawn.
consent_withdrawn = _events.signal("consent-withdrawn")
# sender: the User, whose personal data is being cleared.
account_deleted = _events.signal("account-deleted")
