"""How many CPU- or memory-heavy requests a process takes at once.

A what-if run costs seconds of CPU (its cost is capped by the paths it may ask for). Ten at
once from one planner took the whole machine: health checks waited seconds and a viewer's read
up to twelve. A process therefore runs at most `SIMULATIONS_PER_PROCESS` at a time and one per
user; the rest are answered at once with 429 and `Retry-After`, to try again in a few seconds.
A deployment with more processes (or Celery workers) has that many slots per process.

A run itself goes to a child process (`in_child_process`) at a lower CPU priority: in the web
process's threads its Python loops held the interpreter lock and every other request waited
for it (a read's p95 went from 0.2 s to 4.6 s with planners running what-ifs). The child is
stopped when it runs past its time budget.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from django.conf import settings

T = TypeVar("T")

# Children fork from a server process that has imported the engine once (numpy, scipy), so a
# run starts in milliseconds, from a process with no threads, database connections or locks.
_CHILDREN = multiprocessing.get_context("forkserver")
_CHILDREN.set_forkserver_preload(["planner.engine.whatif"])
_CHILD_NICENESS = 10


class OverBudget(Exception):
    """A child process ran past its time budget and was stopped."""


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


def _run_child(connection: Connection, function: Callable[..., Any], kwargs: dict) -> None:
    os.nice(_CHILD_NICENESS)
    try:
        answer: tuple[bool, Any] = (True, function(**kwargs))
    except Exception as error:
        answer = (False, error)
    connection.send(answer)
    connection.close()


def in_child_process(function: Callable[..., T], *, seconds: float, **kwargs: Any) -> T:
    """`function(**kwargs)` computed in a child process at a lower CPU priority; its
    exception raised here. The function and its arguments must be picklable (pure engine
    code and its data). Past `seconds` the child is killed and OverBudget raised."""
    receiver, sender = _CHILDREN.Pipe(duplex=False)
    child = _CHILDREN.Process(target=_run_child, args=(sender, function, kwargs), daemon=True)
    child.start()
    sender.close()
    try:
        answered = receiver.poll(seconds)
        ok, value = receiver.recv() if answered else (False, None)
    except EOFError:  # the child died without answering (killed, out of memory)
        ok, value = False, None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if ok:
        return cast(T, value)
    if isinstance(value, Exception):
        raise value
    if not answered:
        raise OverBudget(
            f"The run took longer than {seconds:g} s and was stopped; ask for fewer paths."
        )
    raise OverBudget(f"The run's process ended without an answer (exit code {child.exitcode}).")
