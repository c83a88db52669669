"""Database rows -> forecasting engine inputs, in one place."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from forecasting.engine.risk import SeasonRisk, normal_risk
from forecasting.engine.types import ForecastWeek
from forecasting.models import Forecast
from shared.models import HistoricalSale


def category_daily_units(category_id: str) -> dict[dt.date, float]:
    """Chain units per date of one category (the per-category index serves the scan)."""
    rows = (
        HistoricalSale.objects.filter(category_id=category_id)
        .values("date")
        .annotate(units=Sum("quantity_sold"))
        .values_list("date", "units")
    )
    return {day: float(units) for day, units in rows}


def forecast_weeks(forecast: Forecast) -> tuple[ForecastWeek, ...]:
    return tuple(
        ForecastWeek(
            week_number=w.week_number,
            week_start=w.week_start_date,
            units=w.units,
            lower_80=w.lower_80,
            upper_80=w.upper_80,
            lower_95=w.lower_95,
            upper_95=w.upper_95,
            members=w.members,
            is_actual=w.is_actual,
        )
        for w in forecast.weeks.order_by("week_number")
    )


def stored_risk(forecast: Forecast) -> SeasonRisk:
    """The season distribution stored with a pre-season forecast; a normal one of its level
    spread for a forecast stored before the distribution was."""
    adjustment = forecast.adjustment
    stored = adjustment.get("season_risk")
    if isinstance(stored, dict):
        return SeasonRisk.from_dict(stored)
    return normal_risk(
        float(adjustment.get("level_sd", 0.0)),
        shape_sd=float(adjustment.get("noise_sd", 0.0)),
        note="a normal spread: this forecast was stored before season distributions were",
    )
