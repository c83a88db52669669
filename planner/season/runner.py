"""Where workflow steps execute: a background thread of this process (the embedded default),
inline, or a Celery worker (when CELERY_BROKER_URL is set). `submit` is called after commit;
`workflows_recover` resubmits workflows that a restart interrupted (their steps are
idempotent)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.utils import timezone

from planner.celery import app as celery_app
from planner.models import Workflow
from planner.season.states import RUNNABLE
from planner.season.steps import workflow_advance

logger = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="workflow")
_active: set[int] = set()
_lock = threading.Lock()

TRANSIENT = (OperationalError, InterfaceError)
RETRY_DELAYS_SECONDS = (1.0, 2.0, 4.0, 8.0)
_LOCK_NAMESPACE = 0x5EA5  # PostgreSQL advisory locks: (namespace, workflow id)
ADVANCE_TASK = "planner.season.tasks.advance_workflow"


@contextmanager
def workflow_lock(workflow_id: int) -> Iterator[bool]:
    """Whether this runner may advance the workflow: on PostgreSQL a session advisory lock,
    so a redelivered task, `resume_workflows` or another process's start-up recovery skips a
    workflow that a live runner holds (a killed runner's lock goes with its connection).
    SQLite serves one process, where `submit` already keeps a workflow to one thread."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, workflow_id])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, workflow_id])


def run_here(workflow_id: int) -> None:
    """Runs the workflow's next steps in this thread (Celery tasks call this too), unless
    another runner is advancing it."""
    try:
        with workflow_lock(workflow_id) as held:
            if held:
                workflow_advance(workflow_id)
            else:
                logger.info("workflow %s is being advanced by another runner", workflow_id)
    finally:
        close_old_connections()


def run_with_retries(workflow_id: int, delays: tuple[float, ...] = RETRY_DELAYS_SECONDS) -> None:
    """`run_here`, retrying the step while the database is locked or unreachable. If it stays
    down the workflow is left running at its step for `resume_workflows` or the next start."""
    try:
        for attempt, delay in enumerate((*delays, None), start=1):
            try:
                run_here(workflow_id)
                return
            except TRANSIENT as exc:
                if delay is None:
                    logger.error(
                        "workflow %s: database still unavailable after %s attempts (%s); "
                        "resume it with manage.py resume_workflows",
                        workflow_id,
                        attempt,
                        exc,
                    )
                    return
                logger.warning(
                    "workflow %s: database unavailable (%s); retrying in %.0f s",
                    workflow_id,
                    exc,
                    delay,
                )
                time.sleep(delay)
    finally:
        with _lock:
            _active.discard(workflow_id)


def submit(workflow_id: int) -> Future[None] | None:
    """Runs the workflow's next steps; a workflow already running here is not started twice."""
    with _lock:
        if workflow_id in _active:
            return None
        _active.add(workflow_id)
    if settings.WORKFLOW_EXECUTION == "celery":
        with _lock:
            _active.discard(workflow_id)  # the worker, not this process, runs it
        # By name: the task module imports this one.
        celery_app.send_task(ADVANCE_TASK, args=[workflow_id])
        return None
    if settings.WORKFLOW_EXECUTION == "inline":
        run_with_retries(workflow_id)
        return None
    return _executor.submit(run_with_retries, workflow_id)


def workflows_recover() -> list[int]:
    """Resubmits every season with a step to run (after a restart nothing runs them).

    Each workflow is claimed by a compare-and-set on `updated_at`, so processes starting
    together resume it once between them.
    """
    candidates = Workflow.objects.filter(status__in=RUNNABLE).values_list("pk", "updated_at")
    resumed = []
    for workflow_id, seen in list(candidates):
        if workflow_claim(workflow_id, seen):
            logger.info("resuming workflow %s interrupted by a restart", workflow_id)
            submit(workflow_id)
            resumed.append(workflow_id)
    return resumed


def workflow_claim(workflow_id: int, seen: dt.datetime) -> bool:
    """True for the one caller that moves `updated_at` on from the value it saw."""
    return bool(
        Workflow.objects.filter(pk=workflow_id, updated_at=seen).update(updated_at=timezone.now())
    )


def recover_in_background() -> threading.Thread:
    """`workflows_recover` in a thread of its own: the server imports the app inside its
    event loop (uvicorn does), where database calls are not allowed."""

    def recover() -> None:
        try:
            workflows_recover()
        except DatabaseError as exc:  # not migrated yet, or the database is down
            logger.warning("workflows not resumed at start-up: %s", exc)
        finally:
            close_old_connections()

    thread = threading.Thread(target=recover, name="workflow-recovery", daemon=True)
    thread.start()
    return thread
