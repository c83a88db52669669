"""Use cases of the forecasting app that write."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from django.db import transaction

from forecasting import fetch
from forecasting.choices import ForecastMethod
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.level import LevelEstimate
from forecasting.engine.types import ForecastWeek, Season
from forecasting.models import Forecast
from forecasting.models import ForecastWeek as ForecastWeekRow
from forecasting.selectors import season_shock_for
from shared.models import Category


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
            members=dict(w.members),
            is_actual=w.is_actual,
        )
        for w in weeks
    )


def forecast_create(
    *,
    workflow_id: int,
    category: Category,
    season: Season,
    guard: Callable[[], None] = lambda: None,
) -> Forecast:
    """The pre-season ensemble forecast of `category` for `season`, stored for the workflow.
    `guard` runs in the transaction that stores it, after the writes: raising there stores
    nothing (a season cancelled while the forecast ran).

    Raises forecasting.engine.types.ForecastError when the history is too short.
    """
    result = forecast_category(
        fetch.category_units_for_season(category.pk, season_start=season.start),
        season,
        category_name=category.name,
        season_shock=season_shock_for(category_id=category.pk),
    )
    backtest = result.backtest
    with transaction.atomic():
        forecast = Forecast.objects.create(
            category_id=category.pk,
            workflow_id=workflow_id,
            version=1,
            season_start_date=season.start,
            season_end_date=season.end,
            horizon_weeks=season.weeks,
            total_units=round(result.total_units),
            method=ForecastMethod.ENSEMBLE,
            weights=dict(result.weights),
            weighting_note=result.weighting_note[:400],
            backtest_mape=backtest.ensemble_mape if backtest else None,
            backtest_wape=backtest.ensemble_wape if backtest else None,
            peak_week=result.peak_week,
            adjustment={
                "level_sd": result.level_sd,
                "noise_sd": result.noise_sd,
                "history_weeks": result.history_weeks,
                "history_end": result.history_end.isoformat(),
                "member_totals": result.member_totals,
                "step_sd": list(backtest.step_sd) if backtest else [],
                "season_risk": result.risk.as_dict(),
            },
        )
        _save_weeks(forecast, result.weeks)
        guard()
    return forecast


def forecast_versions_delete(*, workflow_id: int, from_version: int) -> None:
    """Deletes the season's plan versions from `from_version` on, newest first (each is the
    parent of the next): an earlier week was replaced, so they are recomputed."""
    for forecast in Forecast.objects.filter(
        workflow_id=workflow_id, version__gte=max(from_version, 2)
    ).order_by("-version"):
        forecast.delete()


def _learned_lift(level: LevelEstimate, lifts: Sequence[tuple[int, float]]) -> dict:
    """The latest markdown's lift as its weeks showed it, once the level follows them."""
    if not level.markdown_segment or not lifts:
        return {}
    start, assumed = lifts[-1]
    realised = level.realised_lift(assumed)
    return {
        "lift_learned": {
            "from_week": start,
            "assumed": assumed,
            "realised": realised,
            "response": realised / assumed if assumed else 0.0,
        }
    }


def forecast_version_create(
    *,
    workflow_id: int,
    root: Forecast,
    after_week: int,
    weeks: Sequence[ForecastWeek],
    level: LevelEstimate | None,
    revision: bool,
    reason: str,
    lifts: Sequence[tuple[int, float]],
) -> Forecast:
    """The plan in force after `after_week`'s update: version `after_week + 1` of the season's
    plan (version 1 is the pre-season forecast). Observed weeks hold the actuals. A version
    recomputed (an earlier week replaced, a re-forecast asked for) is updated in place, so
    the id a client holds keeps naming that version."""
    parent = Forecast.objects.get(workflow_id=workflow_id, version=after_week)
    with transaction.atomic():
        forecast, _ = Forecast.objects.update_or_create(
            workflow_id=workflow_id,
            version=after_week + 1,
            defaults=dict(
                category_id=root.category_id,
                parent=parent,
                season_start_date=root.season_start_date,
                season_end_date=root.season_end_date,
                horizon_weeks=root.horizon_weeks,
                total_units=round(math.fsum(w.units for w in weeks)),
                method=ForecastMethod.MARKDOWN_LIFT
                if any(start == after_week + 1 for start, _ in lifts)
                else ForecastMethod.BAYESIAN_UPDATE,
                weights=root.weights,
                weighting_note=root.weighting_note,
                backtest_mape=root.backtest_mape,
                backtest_wape=root.backtest_wape,
                peak_week=max(weeks, key=lambda w: w.units).week_number,
                adjustment={
                    **{
                        k: root.adjustment[k]
                        for k in ("level_sd", "noise_sd")
                        if k in root.adjustment
                    },
                    "after_week": after_week,
                    "revision": revision,
                    "reason": reason,
                    "lifts": [list(lift) for lift in lifts],
                    **(
                        {}
                        if level is None
                        else {
                            "adjustment_factor": level.adjustment_factor,
                            "demand_factor": level.demand_factor,
                            **_learned_lift(level, lifts),
                            "posterior_sd": level.posterior_sd,
                            "prior_weight": level.prior_weight,
                            "likelihood_weight": level.likelihood_weight,
                        }
                    ),
                },
            ),
        )
        ForecastWeekRow.objects.filter(forecast=forecast).delete()
        _save_weeks(forecast, weeks)
    return forecast
