"""Replays of the generated scenarios and holdout seasons on history, for `evaluate_engine`.

No Django imports.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from forecasting.engine.ensemble import forecast_category, seasonal_naive_season
from forecasting.engine.series import weekly_series
from forecasting.engine.types import Season
from planner.engine.report import Accuracy, accuracy
from planner.engine.sample_inputs import category_inputs, scenario_actuals
from planner.engine.season import (
    PreseasonPlan,
    SeasonReplay,
    SeasonSettings,
    plan_preseason,
    replay_season,
)
from planner.sample_data import SCENARIOS

FORECASTERS = ("ensemble", "prophet", "arima", "seasonal_naive")


@dataclass(frozen=True)
class ScenarioResult:
    scenario: str
    preseason: dict[str, Accuracy]  # forecaster -> accuracy against the scenario's actuals
    replay: SeasonReplay
    seconds: float


@dataclass(frozen=True)
class CategoryEvaluation:
    category: str
    plan: PreseasonPlan
    naive: tuple[float, ...]
    scenarios: tuple[ScenarioResult, ...]


def evaluate_category(
    directory: Path, category: str, slug: str, settings: SeasonSettings
) -> CategoryEvaluation:
    """Forecasts the season from history only, allocates, then replays every scenario."""
    daily, stores = category_inputs(directory, category)
    plan = plan_preseason(
        daily_units=daily, stores=stores, settings=settings, category_name=category
    )
    naive = tuple(float(v) for v in seasonal_naive_season(daily, settings.season))
    curves = {
        "ensemble": plan.forecast.curve,
        "prophet": tuple(w.prophet_units or 0.0 for w in plan.forecast.weeks),
        "arima": tuple(w.arima_units or 0.0 for w in plan.forecast.weeks),
        "seasonal_naive": naive,
    }
    results = []
    for scenario in SCENARIOS:
        actuals = scenario_actuals(directory, slug, scenario)
        totals = [sum(units[w] for units in actuals.values()) for w in range(settings.season.weeks)]
        started = time.perf_counter()
        replay = replay_season(plan=plan, settings=settings, store_actuals=actuals)
        results.append(
            ScenarioResult(
                scenario=scenario,
                preseason={name: accuracy(totals, curve) for name, curve in curves.items()},
                replay=replay,
                seconds=time.perf_counter() - started,
            )
        )
    return CategoryEvaluation(category, plan, naive, tuple(results))


@dataclass(frozen=True)
class HoldoutSeason:
    category: str
    start: dt.date
    wape: dict[str, float]  # forecaster -> WAPE against what history shows


def holdout_seasons(
    daily: Mapping[dt.date, float], category: str, starts: Sequence[dt.date], weeks: int = 12
) -> list[HoldoutSeason]:
    """Forecasts seasons that lie inside the history from the data before each, and scores
    every forecaster against what was actually sold."""
    results = []
    for start in starts:
        season = Season(start, weeks)
        # The season's own weeks, bucketed as history before a season that starts right after.
        after_season = season.end + dt.timedelta(days=1)
        truth = weekly_series(daily, season_start=after_season).units[-weeks:]
        forecast = forecast_category(daily, season, category_name=category)
        curves = {
            "ensemble": forecast.curve,
            "prophet": [w.prophet_units or 0.0 for w in forecast.weeks],
            "arima": [w.arima_units or 0.0 for w in forecast.weeks],
            "seasonal_naive": seasonal_naive_season(daily, season).tolist(),
        }
        results.append(
            HoldoutSeason(
                category,
                start,
                {name: accuracy(truth, curve).wape for name, curve in curves.items()},
            )
        )
    return results
