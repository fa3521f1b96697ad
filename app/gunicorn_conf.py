"""gunicorn settings (`gunicorn -c python:app.gunicorn_conf`): its log lines as the app's JSON.

gunicorn's error log names the request line, query string included, when a request fails outside
Flask; routed through JsonFormatter it is redacted like every other log line.
"""

# gunicorn's control socket sits at one fixed path per user, so a second server (a benchmark's
# reference, a second checkout) would take it over and remove it on exit. Nothing uses it.
control_socket_disable = True
# No access log: app.request_log writes one line per request, with the route and not the path.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.request_log.JsonFormatter"}},
    "handlers": {
        "json_stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    # gunicorn merges this over its defaults key by key, so root must name a handler defined here.
    "root": {"handlers": ["json_stderr"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["json_stderr"], "level": "INFO", "propagate": False},
    },
}


def post_worker_init(_worker) -> None:
    """Build the mainland outline before the first request: every post's place is tested against
    it, and building it takes a quarter of a second that a poster would otherwise wait."""
    from geo.districts import mainland_outline

    mainland_outline()
