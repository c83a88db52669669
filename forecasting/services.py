"""Use cases of the forecasting app that write."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from forecasting import fetch
from forecasting.choices import ForecastMethod
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.reforecast import LevelUpdate, apply_lift, reforecast_curve, update_level
from forecasting.engine.types import ForecastWeek, Season
from forecasting.models import Forecast
from forecasting.models import ForecastWeek as ForecastWeekRow
from planner.models import Workflow


def _save_weeks(forecast: Forecast, weeks: Sequence[ForecastWeek]) -> None:
    ForecastWeekRow.objects.bulk_create(
        ForecastWeekRow(
            forecast=forecast,
            week_number=w.week_number,
            week_start_date=w.week_start,
            units=w.units,
            lower_80=w.lower_80,
            upper_80=w.upper_80,
            lower_95=w.lower_95,
            upper_95=w.upper_95,
            prophet_units=w.prophet_units,
            arima_units=w.arima_units,
            is_actual=w.is_actual,
        )
        for w in weeks
    )


def forecast_create(*, workflow: Workflow) -> Forecast:
    """The pre-season ensemble forecast of the workflow's category and season (SPEC 7.1).

    Raises forecasting.engine.types.ForecastError when the history is too short.
    """
    parameters = workflow.parameters
    season = Season(parameters.season_start_date, parameters.forecast_horizon_weeks)
    result = forecast_category(
        fetch.category_daily_units(workflow.category_id),
        season,
        category_name=workflow.category.name,
    )
    backtest = result.backtest
    with transaction.atomic():
        forecast = Forecast.objects.create(
            category_id=workflow.category_id,
            workflow=workflow,
            version=1,
            season_start_date=season.start,
            season_end_date=season.end,
            horizon_weeks=season.weeks,
            total_units=round(result.total_units),
            method=ForecastMethod.ENSEMBLE,
            prophet_weight=result.prophet_weight,
            arima_weight=result.arima_weight,
            weighting_note=result.weighting_note[:200],
            backtest_mape=backtest.ensemble_mape if backtest else None,
            backtest_wape=backtest.ensemble_wape if backtest else None,
            peak_week=result.peak_week,
            adjustment={
                "level_sd": result.level_sd,
                "noise_sd": result.noise_sd,
                "history_weeks": result.history_weeks,
                "history_end": result.history_end.isoformat(),
                "prophet_total": result.prophet_total,
                "arima_total": result.arima_total,
            },
        )
        _save_weeks(forecast, result.weeks)
    return forecast


def _new_version(
    *,
    parent: Forecast,
    workflow: Workflow,
    weeks: Sequence[ForecastWeek],
    method: str,
    adjustment: dict[str, object],
) -> Forecast:
    with transaction.atomic():
        forecast = Forecast.objects.create(
            category_id=parent.category_id,
            workflow=workflow,
            parent=parent,
            version=parent.version + 1,
            season_start_date=parent.season_start_date,
            season_end_date=parent.season_end_date,
            horizon_weeks=parent.horizon_weeks,
            total_units=round(sum(w.units for w in weeks)),
            method=method,
            prophet_weight=parent.prophet_weight,
            arima_weight=parent.arima_weight,
            weighting_note=parent.weighting_note,
            backtest_mape=parent.backtest_mape,
            backtest_wape=parent.backtest_wape,
            peak_week=max(weeks, key=lambda w: w.units).week_number,
            adjustment={**parent.adjustment, **adjustment},
        )
        _save_weeks(forecast, weeks)
    return forecast


def forecast_reforecast(
    *, parent: Forecast, workflow: Workflow, expected: Sequence[ForecastWeek], actuals: list[float]
) -> tuple[Forecast, LevelUpdate]:
    """A new version after a Bayesian level update on the observed weeks (SPEC 7.6).

    `expected` is the pre-season curve with any approved markdown lift: what the level scales.
    """
    level = update_level(
        plan=[w.units for w in expected],
        actuals=actuals,
        prior_sd=float(parent.adjustment.get("level_sd", 0.0)),
        noise_sd=float(parent.adjustment.get("noise_sd", 0.0)),
    )
    weeks = reforecast_curve(plan_weeks=expected, actuals=actuals, update=level)
    forecast = _new_version(
        parent=parent,
        workflow=workflow,
        weeks=weeks,
        method=ForecastMethod.BAYESIAN_UPDATE,
        adjustment={
            "observed_weeks": level.observed_weeks,
            "prior_weight": level.prior_weight,
            "likelihood_weight": level.likelihood_weight,
            "adjustment_factor": level.adjustment_factor,
            "posterior_sd": level.posterior_sd,
        },
    )
    return forecast, level


def forecast_apply_markdown(
    *, parent: Forecast, workflow: Workflow, from_week: int, lift: float
) -> Forecast:
    """A new version with the approved markdown's expected lift on the remaining weeks."""
    weeks = apply_lift(fetch.forecast_weeks(parent), from_week=from_week, lift=lift)
    return _new_version(
        parent=parent,
        workflow=workflow,
        weeks=weeks,
        method=ForecastMethod.MARKDOWN_LIFT,
        adjustment={
            "lifts": [*parent.adjustment.get("lifts", []), [from_week, lift]],
            # Variance against this plan counts from the first week it changed.
            "plan_first_week": from_week,
        },
    )
