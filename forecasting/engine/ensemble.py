"""The category forecast: rolling-origin backtest, inverse-error weights, intervals
(SPEC.md section 7.1). No Django imports.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping

import numpy as np

from forecasting.engine import members
from forecasting.engine.metrics import mape, wape
from forecasting.engine.series import weekly_series
from forecasting.engine.types import (
    Z_80,
    Z_95,
    BacktestResult,
    CategoryForecast,
    ForecastError,
    ForecastWeek,
    Season,
    WeeklySeries,
)

MIN_HISTORY_WEEKS = 52
BACKTEST_HORIZON_WEEKS = 13
# Origins 52, 39, 26 and 13 weeks before the end of history: the last year, quarter by quarter.
BACKTEST_ORIGINS_BACK = (52, 39, 26, 13)
# Each origin needs a year of history before it to fit on.
MIN_TRAINING_WEEKS = 52
# Intervals are never narrower than +/-5 % per week, whatever a short backtest says.
MIN_WEEKLY_LOG_SD = 0.05

MemberFn = Callable[[WeeklySeries, int], np.ndarray]


def _log_errors(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    return np.log1p(actual) - np.log1p(forecast)


def backtest(
    series: WeeklySeries, member_fns: Mapping[str, MemberFn] | None = None
) -> BacktestResult | None:
    """Rolling-origin backtest of each member over the last year of `series`.

    Returns None when no origin has a year of history before it (the caller then weights the
    members equally). Errors are pooled over all (origin, week) points.
    """
    member_fns = member_fns or members.MEMBERS
    n = len(series)
    origins = [n - back for back in BACKTEST_ORIGINS_BACK if n - back >= MIN_TRAINING_WEEKS]
    if not origins:
        return None
    actual_parts: list[np.ndarray] = []
    forecasts: dict[str, list[np.ndarray]] = {name: [] for name in member_fns}
    for origin in origins:
        steps = min(BACKTEST_HORIZON_WEEKS, n - origin)
        train = WeeklySeries(series.week_starts[:origin], series.units[:origin])
        actual_parts.append(np.asarray(series.units[origin : origin + steps]))
        for name, forecast_fn in member_fns.items():
            forecasts[name].append(forecast_fn(train, steps))
    actual = np.concatenate(actual_parts)
    member_wape = {name: wape(actual, np.concatenate(parts)) for name, parts in forecasts.items()}
    member_mape = {name: mape(actual, np.concatenate(parts)) for name, parts in forecasts.items()}
    weights = inverse_error_weights(member_wape)

    # The ensemble's own errors, per origin: their mean is the level error of a season,
    # the spread around it is week-to-week noise.
    ensemble_parts = [
        np.sum([weights[name] * forecasts[name][i] for name in member_fns], axis=0)
        for i in range(len(origins))
    ]
    per_origin = [_log_errors(a, f) for a, f in zip(actual_parts, ensemble_parts, strict=True)]
    level_sd = math.sqrt(float(np.mean([np.mean(e) ** 2 for e in per_origin])))
    noise_sd = math.sqrt(float(np.mean(np.concatenate([e - np.mean(e) for e in per_origin]) ** 2)))
    ensemble = np.concatenate(ensemble_parts)
    return BacktestResult(
        origins=tuple(series.week_starts[o] for o in origins),
        horizon_weeks=BACKTEST_HORIZON_WEEKS,
        wape=member_wape,
        mape=member_mape,
        ensemble_wape=wape(actual, ensemble),
        ensemble_mape=mape(actual, ensemble),
        level_sd=level_sd,
        noise_sd=noise_sd,
    )


def inverse_error_weights(errors: Mapping[str, float]) -> dict[str, float]:
    """Weights proportional to 1 / error, summing to 1; a perfect member takes all weight."""
    perfect = [name for name, error in errors.items() if error <= 1e-9]
    if perfect:
        return {name: (1.0 / len(perfect) if name in perfect else 0.0) for name in errors}
    inverse = {name: 1.0 / error for name, error in errors.items()}
    total = sum(inverse.values())
    return {name: value / total for name, value in inverse.items()}


def _steps_to_season(series: WeeklySeries, season: Season) -> tuple[int, int]:
    """Weeks between the end of history and the season, and steps to forecast through it."""
    gap_weeks = (season.start - series.week_starts[-1]).days // 7 - 1
    return gap_weeks, gap_weeks + season.weeks


def seasonal_naive_season(daily_units: Mapping[dt.date, float], season: Season) -> np.ndarray:
    """The baseline for `season`: each week is the same week 52 weeks earlier."""
    series = weekly_series(daily_units, season_start=season.start)
    if len(series) < members.SEASON_LAG:
        raise ForecastError(f"seasonal naive needs {members.SEASON_LAG} weeks of history")
    gap_weeks, steps = _steps_to_season(series, season)
    return members.seasonal_naive_forecast(series, steps)[gap_weeks:]


def forecast_category(
    daily_units: Mapping[dt.date, float],
    season: Season,
    *,
    category_name: str = "this category",
    member_fns: Mapping[str, MemberFn] | None = None,
) -> CategoryForecast:
    """Forecasts a category's weekly demand for `season` from its dated sales history.

    Both members forecast every week from the end of history through the season's last
    week; the season's weeks are then sliced out. Raises ForecastError with fewer than 52
    complete weeks of history.
    """
    member_fns = member_fns or members.MEMBERS
    timings: dict[str, float] = {}
    started = time.perf_counter()
    series = weekly_series(daily_units, season_start=season.start)
    if len(series) < MIN_HISTORY_WEEKS:
        raise ForecastError(
            f"{category_name} has {len(series)} complete weeks of sales history before "
            f"{season.start:%Y-%m-%d}; forecasting needs at least {MIN_HISTORY_WEEKS}."
        )
    timings["series"] = time.perf_counter() - started

    started = time.perf_counter()
    result = backtest(series, member_fns)
    timings["backtest"] = time.perf_counter() - started
    if result is None:
        weights = {name: 1.0 / len(member_fns) for name in member_fns}
        note = (
            f"equal weights: {len(series)} weeks of history leave no backtest origin with a "
            f"year of training data (needs {MIN_TRAINING_WEEKS + BACKTEST_HORIZON_WEEKS})"
        )
        level_sd, noise_sd = 0.0, MIN_WEEKLY_LOG_SD
    else:
        weights = inverse_error_weights(result.wape)
        note = "inverse backtest WAPE: " + ", ".join(
            f"{name} {result.wape[name]:.1%}" for name in member_fns
        )
        level_sd, noise_sd = result.level_sd, result.noise_sd

    started = time.perf_counter()
    gap_weeks, steps = _steps_to_season(series, season)
    paths = {name: fn(series, steps)[gap_weeks:] for name, fn in member_fns.items()}
    timings["fit_and_forecast"] = time.perf_counter() - started

    weekly_sd = max(math.hypot(level_sd, noise_sd), MIN_WEEKLY_LOG_SD)
    weeks = []
    for index in range(season.weeks):
        point = float(sum(weights[name] * paths[name][index] for name in member_fns))
        weeks.append(
            ForecastWeek(
                week_number=index + 1,
                week_start=season.week_start(index + 1),
                units=point,
                lower_80=point * math.exp(-Z_80 * weekly_sd),
                upper_80=point * math.exp(Z_80 * weekly_sd),
                lower_95=point * math.exp(-Z_95 * weekly_sd),
                upper_95=point * math.exp(Z_95 * weekly_sd),
                prophet_units=float(paths["prophet"][index]) if "prophet" in paths else None,
                arima_units=float(paths["arima"][index]) if "arima" in paths else None,
            )
        )
    return CategoryForecast(
        season=season,
        weeks=tuple(weeks),
        prophet_weight=weights.get("prophet", 0.0),
        arima_weight=weights.get("arima", 0.0),
        weighting_note=note,
        backtest=result,
        history_weeks=len(series),
        history_end=series.week_starts[-1] + dt.timedelta(days=6),
        level_sd=level_sd,
        noise_sd=noise_sd,
        timings=timings,
    )
