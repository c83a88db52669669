"""Resumes workflows a crash or a killed worker left pending or running."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from planner.choices import WorkflowStatus
from planner.models import Workflow
from planner.runner import run_with_retries, submit


class Command(BaseCommand):
    help = (
        "Run every pending or running workflow on from its current step (steps are "
        "idempotent: what an interrupted step stored is reused). With Celery configured the "
        "workflows are queued for the workers; otherwise they run here, one after another. "
        "Run it when no other process is running them (the server resumes them on start-up)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", dest="only_list", help="only list them")

    def handle(self, *args: Any, only_list: bool, **options: Any) -> None:
        interrupted = Workflow.objects.filter(
            status__in=[WorkflowStatus.PENDING, WorkflowStatus.RUNNING]
        ).order_by("pk")
        if not interrupted:
            self.stdout.write("No pending or running workflows.")
            return
        queued = settings.WORKFLOW_EXECUTION == "celery"
        for workflow in interrupted:
            self.stdout.write(
                f"workflow {workflow.pk} ({workflow.type}, {workflow.status}) at step "
                f"{workflow.step or '-'}"
            )
            if only_list:
                continue
            if queued:
                submit(workflow.pk)
                continue
            run_with_retries(workflow.pk)
            workflow.refresh_from_db()
            waiting = (
                f", waiting for {workflow.awaiting_action}" if workflow.awaiting_action else ""
            )
            self.stdout.write(f"  -> {workflow.status}{waiting}")
        if queued and not only_list:
            self.stdout.write(f"Queued {len(interrupted)} workflow(s) for the Celery workers.")
