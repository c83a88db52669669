"""Celery tasks: the same step code the in-process runner calls."""

from celery import shared_task

from planner.season import runner


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=runner.TRANSIENT,
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=8,
)
def advance_workflow(workflow_id: int) -> None:
    """Runs a workflow's next steps. At-least-once: a step redelivered after a lost worker
    reuses what the interrupted run stored; a step the database refused is retried with
    backoff."""
    runner.run_here(workflow_id)
