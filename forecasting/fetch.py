"""Database rows -> forecasting engine inputs, in one place."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min, Sum

from forecasting.engine.risk import SeasonRisk, normal_risk
from forecasting.engine.types import ForecastWeek
from forecasting.models import Forecast
from shared.models import HistoricalSale, WeeklySale


def category_daily_units(category_id: str) -> dict[dt.date, float]:
    """Chain units per date of one category (the per-category index serves the scan)."""
    rows = (
        HistoricalSale.objects.filter(category_id=category_id)
        .values("date")
        .annotate(units=Sum("quantity_sold"))
        .values_list("date", "units")
    )
    return {day: float(units) for day, units in rows}


def category_units_for_season(category_id: str, *, season_start: dt.date) -> dict[dt.date, float]:
    """The category's dated units for its weekly series before `season_start`
    (forecasting.engine.series.weekly_series gives the same weeks from either). For a season
    starting on a Monday: the complete weeks of the weekly totals, dated by their Monday (an
    aggregate over a seventh of the daily rows, and index lookups); otherwise the sums by
    date. A week is complete when the history covers all its days: the first and last dated
    rows bound it, the last of weekly rows covering its six days after."""
    if season_start.weekday() != 0:
        return category_daily_units(category_id)
    span = HistoricalSale.objects.filter(category_id=category_id).aggregate(
        first=Min("date"), last=Max("date")
    )
    rows = list(
        WeeklySale.objects.filter(category_id=category_id)
        .values("week_start")
        .annotate(units=Sum("units"))
        .values_list("week_start", "units")
    )
    if span["first"] is None or not rows:
        return {}
    # Weekly rows when the last four weeks hold at most four dates (dates 7 days apart), as
    # the series reads a history's step from the gaps between its dates.
    recent_dates = (
        HistoricalSale.objects.filter(
            category_id=category_id, date__gt=span["last"] - dt.timedelta(days=28)
        )
        .values("date")
        .distinct()
        .count()
    )
    covered_to = span["last"] + dt.timedelta(days=6 if recent_dates <= 4 else 0)
    complete = {
        monday: float(units)
        for monday, units in rows
        if monday >= span["first"] and monday + dt.timedelta(days=6) <= covered_to
    }
    # Fewer than two weeks do not say they are weekly: the dated sums say it as they are.
    return complete if len(complete) >= 2 else category_daily_units(category_id)


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
