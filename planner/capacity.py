"""How many CPU- or memory-heavy requests a process takes at once.

A what-if run costs seconds of CPU (its cost is capped by the paths it may ask for). Ten at
once from one planner took the whole machine: health checks waited seconds and a viewer's read
up to twelve. A process therefore runs at most `SIMULATIONS_PER_PROCESS` at a time and one per
user; the rest are answered at once with 429 and `Retry-After`, to try again in a few seconds.
A deployment with more processes (or Celery workers) has that many slots per process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings


class Busy(Exception):
    """No slot now; `retry_after` seconds is a fair wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Slots:
    """At most the setting `limit_setting` holders at a time, and one per key (a user)."""

    def __init__(self, what: str, limit_setting: str, retry_after: int) -> None:
        self.what = what
        self.limit_setting = limit_setting
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._holders: set[object] = set()

    @contextmanager
    def slot(self, key: object) -> Iterator[None]:
        with self._lock:
            if key in self._holders:
                raise Busy(
                    f"Your {self.what} is still running: one at a time per user; try again "
                    "when it has answered.",
                    self.retry_after,
                )
            if len(self._holders) >= getattr(settings, self.limit_setting):
                raise Busy(
                    f"{len(self._holders)} {self.what}s are running, the most this server "
                    f"runs at once ({self.limit_setting}); try again in {self.retry_after} s.",
                    self.retry_after,
                )
            self._holders.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._holders.discard(key)


# A what-if run is 1-7 s of CPU (paths and search paths are capped by the API).
SIMULATIONS = Slots("what-if run", "SIMULATIONS_PER_PROCESS", retry_after=10)
# An upload over LARGE_UPLOAD_BYTES takes up to about 3 times its size in memory while it is
# checked and written, and seconds to tens of seconds of CPU: such uploads are bounded the
# same way (smaller ones are not).
LARGE_UPLOADS = Slots("large upload", "LARGE_UPLOADS_PER_PROCESS", retry_after=15)
