"""Reads of the forecasting app that other apps call."""

from __future__ import annotations

from forecasting.models import Forecast


def season_forecast(*, workflow_id: int, version: int = 1) -> Forecast | None:
    """A version of a season's plan: 1 is the pre-season forecast, k + 1 the plan in force
    after week k."""
    return Forecast.objects.filter(workflow_id=workflow_id, version=version).first()


def latest_forecast_for(*, workflow_id: int) -> Forecast | None:
    """The plan in force: the season's newest version."""
    return Forecast.objects.filter(workflow_id=workflow_id).order_by("-version").first()


def forecast_by_id(forecast_id: int) -> Forecast:
    """Raises Forecast.DoesNotExist with a message naming the id."""
    try:
        return Forecast.objects.get(pk=forecast_id)
    except Forecast.DoesNotExist:
        raise Forecast.DoesNotExist(f"No forecast with id {forecast_id}.") from None


def root_forecast(forecast: Forecast) -> Forecast:
    """The pre-season version (1) of the season a plan version belongs to."""
    if forecast.version == 1 or forecast.workflow_id is None:
        return forecast
    return Forecast.objects.get(workflow_id=forecast.workflow_id, version=1)
