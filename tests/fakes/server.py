"""Serve a fake outside service on loopback, so clients speak real HTTP without leaving the host."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

SHUTDOWN_POLL_SECONDS = 0.01


@contextmanager
def serve(wsgi_app) -> Iterator[str]:
    """Run a WSGI app on 127.0.0.1 on a free port for the duration; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    # shutdown() waits for the loop's next poll; the default half second would be paid per test.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
