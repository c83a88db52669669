"""Re-forecasts a season from its actuals so far, as POST /api/workflows/reforecast does."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from forecasting.models import Forecast
from planner import inseason
from planner.workflows import WorkflowConflict


class Command(BaseCommand):
    help = "Start a reforecast of the season a forecast belongs to, run it, print the result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("forecast_id", type=int)
        parser.add_argument("--reason", default="manual re-forecast from the command line")

    def handle(self, *args: Any, forecast_id: int, reason: str, **options: Any) -> None:
        settings.WORKFLOW_EXECUTION = "inline"  # run the step here, before printing
        forecast = Forecast.objects.filter(pk=forecast_id).select_related("workflow").first()
        if forecast is None or forecast.workflow is None:
            raise CommandError(f"No forecast with id {forecast_id} belonging to a workflow.")
        season = forecast.workflow.parent or forecast.workflow
        try:
            with transaction.atomic():
                workflow = inseason.reforecast_start(season=season, reason=reason)
        except WorkflowConflict as exc:
            raise CommandError(str(exc)) from None
        workflow.refresh_from_db()
        if workflow.status != "completed":
            raise CommandError(
                f"Reforecast workflow {workflow.pk} {workflow.status}: {workflow.error}"
            )
        new = Forecast.objects.get(workflow=workflow)
        self.stdout.write(
            f"Workflow {workflow.pk}: forecast {new.pk} v{new.version}, {new.total_units:,} units "
            f"(x{new.adjustment['adjustment_factor']:.3f} after {new.adjustment['observed_weeks']} "
            f"weeks; prior weight {new.adjustment['prior_weight']:.2f})"
        )
