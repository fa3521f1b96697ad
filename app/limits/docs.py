"""The rate limits in the OpenAPI document: RateLimit-* headers and a 429 on every counted
operation, and the limits themselves, read from config, in the document's description."""

from apispec import BasePlugin

from app.limits.limiter import (
    API_PREFIX,
    HEADER_LIMIT,
    HEADER_POLICY,
    HEADER_REMAINING,
    HEADER_RESET,
    LIMIT_SETTINGS,
)
from app.request_kind import READ, WRITE

COUNT = {"type": "integer", "minimum": 0}
HEADERS = {
    HEADER_LIMIT: ("Requests the tightest limit counting this call allows in its window", COUNT),
    HEADER_REMAINING: ("Requests left in that window", COUNT),
    HEADER_RESET: ("Seconds until that window has room again", COUNT),
    HEADER_POLICY: (
        'That limit as "<requests>;w=<window seconds>"',
        {"type": "string", "pattern": "^[0-9]+;w=[0-9]+$", "example": "300;w=60"},
    ),
}
READ_METHODS = frozenset({"get", "head", "options"})


class RateLimitDocs(BasePlugin):
    """Adds to every operation under /api/ what the limiter adds to its answers, and the limits
    in force (from config) to the document's description."""

    def __init__(self, config):
        self.config = config

    def init_spec(self, spec) -> None:
        super().init_spec(spec)
        # A copy: the options' info is the config's own dict, shared by every app.
        info = dict(spec.options["info"])
        info["description"] += limits_description(self.config)
        spec.options["info"] = info
        for name, (description, schema) in HEADERS.items():
            spec.components.header(name, {"description": description, "schema": schema})

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        if not path.startswith(API_PREFIX):
            return
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", "TOO_MANY_REQUESTS")
            if method not in READ_METHODS:
                # Redis down: writes wait rather than go uncounted.
                responses.setdefault("503", "SERVICE_UNAVAILABLE")
            for response in responses.values():
                if isinstance(response, dict):
                    response.setdefault("headers", {}).update({name: name for name in HEADERS})


def limits_description(config) -> str:
    """What the API's description says about its limits, with the values in force."""
    address, user = (
        {category: config[setting] for category, setting in LIMIT_SETTINGS[kind].items()}
        for kind in ("address", "user")
    )
    return (
        "\n\nRate limits (counted across every endpoint, reads apart from writes; the square's "
        "POST /posts/search is a read): "
        f"per client address (IPv6 by its /64) {address[READ]} reads and {address[WRITE]} "
        f"writes; per signed-in user {user[READ]} reads and {user[WRITE]} writes. "
        "Every counted answer carries RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset "
        "and RateLimit-Policy for the tightest limit; past it the answer is 429 problem+json "
        "with Retry-After. When the counters cannot be reached, reads go on and writes answer "
        "503 with Retry-After."
    )
