"""Where workflow steps execute: a background thread of this process (the embedded default),
inline, or a Celery worker (when CELERY_BROKER_URL is set). `submit` is called after commit;
`workflows_recover` resubmits workflows that a restart interrupted (their steps are
idempotent)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections

from planner.choices import WorkflowStatus
from planner.models import Workflow

logger = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="workflow")
_active: set[int] = set()
_lock = threading.Lock()


def run_here(workflow_id: int) -> None:
    """Runs the workflow's next steps in this thread (Celery tasks call this too)."""
    from planner.workflows import workflow_advance

    try:
        workflow_advance(workflow_id)
    finally:
        with _lock:
            _active.discard(workflow_id)
        close_old_connections()


def submit(workflow_id: int) -> Future[None] | None:
    """Runs the workflow's next steps; a workflow already running here is not started twice."""
    with _lock:
        if workflow_id in _active:
            return None
        _active.add(workflow_id)
    if settings.WORKFLOW_EXECUTION == "celery":
        from planner.tasks import advance_workflow

        with _lock:
            _active.discard(workflow_id)  # the worker, not this process, runs it
        advance_workflow.delay(workflow_id)
        return None
    if settings.WORKFLOW_EXECUTION == "inline":
        run_here(workflow_id)
        return None
    return _executor.submit(run_here, workflow_id)


def workflows_recover() -> list[int]:
    """Resubmits every pending or running workflow (after a restart nothing runs them)."""
    ids = list(
        Workflow.objects.filter(
            status__in=[WorkflowStatus.PENDING, WorkflowStatus.RUNNING]
        ).values_list("pk", flat=True)
    )
    for workflow_id in ids:
        logger.info("resuming workflow %s interrupted by a restart", workflow_id)
        submit(workflow_id)
    return ids
