"""Celery tasks: the same step code the in-process runner calls."""

from celery import shared_task

from planner import runner


@shared_task(acks_late=True, reject_on_worker_lost=True)
def advance_workflow(workflow_id: int) -> None:
    """Runs a workflow's next steps. At-least-once: a step redelivered after a lost worker
    reuses what the interrupted run stored."""
    runner.run_here(workflow_id)
