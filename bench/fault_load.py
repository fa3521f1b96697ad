"""The clients of `make fault` that must see every answer, which wrk cannot report one by one:

- creators post as the bench's load users, each post with an Idempotency-Key of its own, and
  send the same request with the same key again after a 503, a 409 (the key in flight) or no
  answer, until it is answered 201 or refused; so every post the service made has its 201;
- a probe asks /readyz and one square page every PROBE_INTERVAL seconds, timing each answer.

Each request becomes a bench.fault_check.Sample, stamped in seconds since the run's start.
"""

import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from email.message import Message

from bench.fault_check import Sample

PROBLEM = "application/problem+json"
# Longer than any timeout of the service (the database's connect timeout is 5 s): a request
# that takes this long has hung.
REQUEST_TIMEOUT_SECONDS = 15
PROBE_INTERVAL_SECONDS = 0.2
RETRY_PAUSE_SECONDS = 0.2
# After the load stops, how long a creator may go on sending its last key until it is answered.
DRAIN_SECONDS = 60
RETRIED = frozenset({409, 503})


def send(request: urllib.request.Request) -> tuple[int | None, Message | dict, bytes, float]:
    """(status or None when unanswered, headers (names in any case), body, seconds taken)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as answer:  # noqa: S310 - loopback
            return answer.status, answer.headers, answer.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), time.monotonic() - started
    except OSError:
        return None, {}, b"", time.monotonic() - started


def well_formed(status: int | None, headers: Message | dict, *, retry_after: bool = True) -> bool:
    """A 503 must be problem+json and (but for /readyz) say when to try again."""
    if status != 503:
        return True
    if not headers.get("Content-Type", "").startswith(PROBLEM):
        return False
    return not retry_after or headers.get("Retry-After", "").isdigit()


class Clock:
    """Seconds since the run's start, shared by every client and the timeline."""

    def __init__(self):
        self.start = time.monotonic()

    def now(self) -> float:
        return round(time.monotonic() - self.start, 3)


class Creators:
    """Threads that create posts until stopped; see the module's docstring."""

    def __init__(self, base: str, tokens: list[str], bodies: list[str], run_id: str, clock):
        self.base, self.tokens, self.bodies, self.run_id = base, tokens, bodies, run_id
        self.clock = clock
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.samples: list[Sample] = []
        # Idempotency-Key -> post ids its 201s named.
        self.answered: dict[str, set[int]] = {}
        self.refused: Counter = Counter()
        self.given_up = 0
        self.threads: list[threading.Thread] = []

    def start(self, count: int) -> None:
        for index in range(count):
            thread = threading.Thread(target=self._run, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(DRAIN_SECONDS + REQUEST_TIMEOUT_SECONDS)

    def _run(self, index: int) -> None:
        rng = random.Random(index)
        sent = 0
        while not self.stop.is_set():
            sent += 1
            key = f"{self.run_id}-{index}-{sent}"
            self._create(key, rng.choice(self.tokens), rng.choice(self.bodies).encode())

    def _create(self, key: str, token: str, body: bytes) -> None:
        """Send one post until it is answered; the same key and body each time."""
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        drain_until = None
        while True:
            request = urllib.request.Request(  # noqa: S310 - the service on loopback
                f"{self.base}/api/v1/posts", data=body, headers=headers, method="POST"
            )
            at = self.clock.now()
            status, answer_headers, answer, seconds = send(request)
            self._record(Sample(at, "create", status, seconds, well_formed(status, answer_headers)))
            if status == 201:
                with self.lock:
                    self.answered.setdefault(key, set()).add(json.loads(answer)["id"])
                return
            if status is not None and status not in RETRIED:
                with self.lock:
                    self.refused[status] += 1
                return
            if self.stop.is_set():
                drain_until = drain_until or time.monotonic() + DRAIN_SECONDS
                if time.monotonic() > drain_until:
                    with self.lock:
                        self.given_up += 1
                    return
            time.sleep(RETRY_PAUSE_SECONDS)

    def _record(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class Probe:
    """A thread asking /readyz and one square page in turn until stopped."""

    def __init__(self, base: str, square_path: str, clock):
        self.targets = {"readyz": f"{base}/readyz", "square": f"{base}{square_path}"}
        self.clock = clock
        self.stop = threading.Event()
        self.samples: list[Sample] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(REQUEST_TIMEOUT_SECONDS * 2)

    def _run(self) -> None:
        while not self.stop.is_set():
            for kind, url in self.targets.items():
                at = self.clock.now()
                request = urllib.request.Request(url)  # noqa: S310 - the service on loopback
                status, headers, _body, seconds = send(request)
                # /readyz names the failed check instead of a time to come back.
                formed = well_formed(status, headers, retry_after=kind != "readyz")
                self.samples.append(Sample(at, kind, status, seconds, formed))
            self.stop.wait(PROBE_INTERVAL_SECONDS)
