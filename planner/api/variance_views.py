from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasting.selectors import forecast_by_id, root_forecast
from planner.api.answers import WeekReviewSerializer
from planner.models import WeekReview
from shared.answers import described


class VarianceView(APIView):
    """Week N's weekly and cumulative variance against its plan of record, the level update,
    the revision decision, the ledger's flags and what was done."""

    @extend_schema(responses={200: WeekReviewSerializer})
    def get(self, request: Request, forecast_id: int, week_number: int) -> Response:
        forecast = forecast_by_id(forecast_id)
        season = root_forecast(forecast).workflow
        review = WeekReview.objects.filter(workflow=season, week_number=week_number).first()
        if review is None:
            raise NotFound(
                f"Week {week_number} of forecast {forecast_id}'s season has no actuals yet."
            )
        return Response(
            described(
                WeekReviewSerializer,
                {
                    "forecast_id": forecast_id,
                    "compared_with_forecast_id": review.forecast_id,
                    "week_number": week_number,
                    "actual_units": review.actual_units,
                    "forecast_units": review.forecast_units,
                    "weekly_variance": review.weekly_variance,
                    "weekly_band": review.weekly_band,
                    "cumulative_variance": review.cumulative_variance,
                    "cumulative_band": review.cumulative_band,
                    "reforecast_triggered": review.reforecast_triggered,
                    "reason": review.reason,
                    "plan_factor": review.level_factor,
                    "stockout_stores": review.stockout_stores,
                    "excess_units": review.excess_units,
                    "flags": review.flags,
                    "actions": review.actions,
                },
            )
        )
