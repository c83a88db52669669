"""Reads of the forecasting app that other apps call."""

from __future__ import annotations

from django.db.models import Q

from forecasting import fetch
from forecasting.engine.reforecast import apply_lift
from forecasting.engine.types import ForecastWeek
from forecasting.models import Forecast


def root_forecast(forecast: Forecast) -> Forecast:
    """The pre-season version a forecast descends from."""
    while forecast.parent_id is not None:
        forecast = forecast.parent  # type: ignore[assignment]
    return forecast


def latest_forecast_for(*, workflow_id: int) -> Forecast | None:
    """The current plan of a season: the newest version made by the season workflow or by
    its reforecast workflows."""
    return (
        Forecast.objects.filter(Q(workflow_id=workflow_id) | Q(workflow__parent_id=workflow_id))
        .order_by("-version")
        .first()
    )


def expected_weeks(forecast: Forecast) -> tuple[ForecastWeek, ...]:
    """The pre-season curve with every markdown lift approved up to `forecast`: the plan a
    Bayesian update scales (SPEC 7.6)."""
    weeks = fetch.forecast_weeks(root_forecast(forecast))
    for from_week, lift in forecast.adjustment.get("lifts", []):
        weeks = apply_lift(weeks, from_week=from_week, lift=lift)
    return weeks


def forecast_by_id(forecast_id: int) -> Forecast:
    """Raises Forecast.DoesNotExist with a message naming the id."""
    try:
        return Forecast.objects.get(pk=forecast_id)
    except Forecast.DoesNotExist:
        raise Forecast.DoesNotExist(f"No forecast with id {forecast_id}.") from None
