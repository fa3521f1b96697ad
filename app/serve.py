"""The WSGI app as `make run` serves it: Granian imports this module in each worker.

Granian was chosen by measurement over gunicorn's sync workers (see the commit that made this
module and $(SERVE) in the Makefile), which passes app/granian_logging.json so Granian's own log
lines are the app's redacted JSON too. Each worker builds the mainland outline before its first
request: every post's place is tested against it, and building it takes a quarter of a second
that a poster would otherwise wait.
"""

from app import create_app
from geo.districts import mainland_outline

app = create_app()
mainland_outline()
