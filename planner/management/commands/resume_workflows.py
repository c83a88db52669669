"""Resumes workflows a crash or a killed worker left pending or running."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from planner.models import Workflow
from planner.season.runner import run_with_retries, submit
from planner.season.states import RUNNABLE, describe


class Command(BaseCommand):
    help = (
        "Run every season that has a step to run on from its current agent (steps are "
        "idempotent: what an interrupted step stored is reused). With Celery configured the "
        "workflows are queued for the workers; otherwise they run here, one after another. "
        "Run it when no other process is running them (the server resumes them on start-up)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", dest="only_list", help="only list them")

    def handle(self, *args: Any, only_list: bool, **options: Any) -> None:
        interrupted = Workflow.objects.filter(status__in=RUNNABLE).order_by("pk")
        if not interrupted:
            self.stdout.write("No season has a step to run.")
            return
        queued = settings.WORKFLOW_EXECUTION == "celery"
        for workflow in interrupted:
            self.stdout.write(
                f"season {workflow.pk} ({describe(workflow)}) at {workflow.current_agent or '-'}"
            )
            if only_list:
                continue
            if queued:
                submit(workflow.pk)
                continue
            run_with_retries(workflow.pk)
            workflow.refresh_from_db()
            self.stdout.write(f"  -> {describe(workflow)}")
        if queued and not only_list:
            self.stdout.write(f"Queued {len(interrupted)} workflow(s) for the Celery workers.")
