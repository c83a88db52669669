"""Records a re-forecast of a season by hand, as POST /api/workflows/reforecast does."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forecasting.models import Forecast
from planner.season import weekly
from shared.conflicts import Conflict


class Command(BaseCommand):
    help = (
        "Record a re-forecast of the season a forecast belongs to (its latest week re-run with "
        "the revision and its reason) and print the plan in force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("forecast_id", type=int)
        parser.add_argument("--reason", default="manual re-forecast from the command line")

    def handle(self, *args: Any, forecast_id: int, reason: str, **options: Any) -> None:
        forecast = Forecast.objects.filter(pk=forecast_id).first()
        if forecast is None or forecast.workflow_id is None:
            raise CommandError(f"No forecast with id {forecast_id} belonging to a season.")
        try:
            plan = weekly.revision_request(workflow_id=forecast.workflow_id, reason=reason)
        except Conflict as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Season {plan.workflow_id}: plan in force v{plan.version} (after week "
            f"{plan.adjustment['after_week']}), {plan.total_units:,} units "
            f"(x{plan.adjustment['adjustment_factor']:.3f} the pre-season plan; prior weight "
            f"{plan.adjustment['prior_weight']:.2f})"
        )
