"""Rolling-origin benchmark of the category forecast and the store split against open-source
methods and simple baselines (`manage.py benchmark_forecast`). No Django imports.

At each origin every method sees only the history before it and forecasts the next `horizon`
weeks; the weeks are 7-day buckets starting on the origin's weekday. Two levels: the chain
(each category summed over stores) and the stores (each store x category series).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scoringrules

from forecasting.engine import members
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.series import weekly_series
from forecasting.engine.types import CategoryForecast, ForecastError, Season, WeeklySeries

BUCKET_WEEKS = 4  # coverage is reported per 4 weeks ahead: 1-4, 5-8, 9-12


# Draws of the season total per forecast for its CRPS (seeded: the benchmark is reproducible).
SEASON_DRAWS = 2000


@dataclass(frozen=True)
class Prediction:
    units: np.ndarray
    lower_80: np.ndarray | None = None
    upper_80: np.ndarray | None = None
    lower_95: np.ndarray | None = None
    upper_95: np.ndarray | None = None
    season_80: tuple[float, float] | None = None  # the season total's 80 % interval
    season_95: tuple[float, float] | None = None
    season_draws: np.ndarray | None = None  # draws of the season total


# A peer method: the weekly history (ending just before the origin) and the steps to forecast.
Method = Callable[[WeeklySeries, int], np.ndarray | None]


def _statsforecast(model_name: str) -> Method:
    def forecast(series: WeeklySeries, steps: int) -> np.ndarray | None:
        from statsforecast.models import AutoARIMA, AutoETS

        units = np.asarray(series.units, dtype=float)
        if len(units) < 2 * members.SEASON_LAG:
            return None
        model = (
            AutoETS(season_length=members.SEASON_LAG)
            if model_name == "autoets"
            else AutoARIMA(season_length=members.SEASON_LAG, D=1)
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            predicted = model.forecast(y=np.log1p(units), h=steps)["mean"]
        return np.clip(np.expm1(np.asarray(predicted, dtype=float)), 0.0, None)

    return forecast


def _plain_mstl(series: WeeklySeries, steps: int) -> np.ndarray | None:
    """statsforecast's MSTL as it comes (season 52, AutoETS trend) on raw units."""
    from statsforecast.models import MSTL

    units = np.asarray(series.units, dtype=float)
    if len(units) < members.MSTL_MIN_WEEKS:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predicted = MSTL(season_length=members.SEASON_LAG).forecast(y=units, h=steps)["mean"]
    return np.clip(np.asarray(predicted, dtype=float), 0.0, None)


def _prophet(series: WeeklySeries, steps: int) -> np.ndarray | None:
    """Prophet as the project used it before (multiplicative yearly seasonality)."""
    from prophet import Prophet

    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).setLevel(logging.ERROR)
    model = Prophet(
        yearly_seasonality=10,
        weekly_seasonality=False,
        daily_seasonality=False,
        seasonality_mode="multiplicative",
        uncertainty_samples=0,
    )
    model.fit(pd.DataFrame({"ds": pd.to_datetime(series.week_starts), "y": series.units}))
    last = series.week_starts[-1]
    future = [last + dt.timedelta(days=7 * (i + 1)) for i in range(steps)]
    predicted = model.predict(pd.DataFrame({"ds": pd.to_datetime(future)}))["yhat"]
    return np.clip(predicted.to_numpy(dtype=float), 0.0, None)


def _member(name: str) -> Method:
    def forecast(series: WeeklySeries, steps: int) -> np.ndarray | None:
        units = np.asarray(series.units, dtype=float)
        if name != "seasonal_naive":
            units = members.guard_outages(units)
        fn = members.MEMBERS.get(name) or members.seasonal_naive_forecast
        return fn(units, steps)

    return forecast


PEERS: dict[str, Method] = {
    **{name: _member(name) for name in members.MEMBERS},
    "seasonal_naive": _member("seasonal_naive"),
    "autoets": _statsforecast("autoets"),
    "autoarima": _statsforecast("autoarima"),
    "mstl_raw": _plain_mstl,
    "prophet": _prophet,
}
METHOD_LABELS = {
    "ensemble": "ensemble (the project)",
    "arima": "ARIMA member",
    "sarima": "AutoARIMA member (statsforecast's order search, CSS fit)",
    "mstl": "MSTL(52) + ETS trend member (statsforecast)",
    "ratio": "last year x (last 13 wk / same 13 wk a year earlier) member",
    "seasonal_naive": "seasonal naive",
    "autoets": "AutoETS(52) (statsforecast)",
    "autoarima": "AutoARIMA(52, D=1) (statsforecast)",
    "mstl_raw": "MSTL(52) on raw units (statsforecast as it comes)",
    "prophet": "Prophet (the former member)",
}


@dataclass
class Score:
    """Accumulated errors of one method at one level."""

    wape: list[float] = field(default_factory=list)
    mape: list[float] = field(default_factory=list)
    bias_units: float = 0.0
    actual_units: float = 0.0
    total_error: list[float] = field(default_factory=list)
    mase: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    covered_80: dict[int, list[bool]] = field(default_factory=dict)
    covered_95: dict[int, list[bool]] = field(default_factory=dict)
    season_covered_80: list[bool] = field(default_factory=list)
    season_covered_95: list[bool] = field(default_factory=list)
    season_crps: list[float] = field(default_factory=list)  # CRPS / actual season total
    skipped: int = 0

    def add(self, actual: np.ndarray, prediction: Prediction, scale: float, seconds: float) -> None:
        f = prediction.units
        total = float(actual.sum())
        if total > 0:
            self.wape.append(float(np.abs(actual - f).sum()) / total)
            self.total_error.append(abs(float(f.sum()) - total) / total)
        sold = actual > 0
        if sold.any():
            self.mape.append(float(np.mean(np.abs(actual[sold] - f[sold]) / actual[sold])))
        self.bias_units += float(f.sum()) - total
        self.actual_units += total
        if scale > 0:
            self.mase.append(float(np.mean(np.abs(actual - f))) / scale)
        self.seconds.append(seconds)
        for bounds, covered in (
            ((prediction.lower_80, prediction.upper_80), self.covered_80),
            ((prediction.lower_95, prediction.upper_95), self.covered_95),
        ):
            lower, upper = bounds
            if lower is None or upper is None:
                continue
            for week, (a, low, high) in enumerate(zip(actual, lower, upper, strict=True)):
                covered.setdefault(week // BUCKET_WEEKS, []).append(bool(low <= a <= high))
        for interval, season_covered in (
            (prediction.season_80, self.season_covered_80),
            (prediction.season_95, self.season_covered_95),
        ):
            if interval is not None:
                season_covered.append(bool(interval[0] <= total <= interval[1]))
        if prediction.season_draws is not None and total > 0:
            crps = float(scoringrules.crps_ensemble(total, prediction.season_draws))
            self.season_crps.append(crps / total)

    def row(self) -> dict[str, float | None]:
        def mean(values: list[float]) -> float | None:
            return float(np.mean(values)) if values else None

        return {
            "wape": mean(self.wape),
            "mape": mean(self.mape),
            "bias": self.bias_units / self.actual_units if self.actual_units else None,
            "total_error": mean(self.total_error),
            "mase": mean(self.mase),
            "seconds": mean(self.seconds),
            **{f"cov80_{b}": mean([float(x) for x in v]) for b, v in self.covered_80.items()},
            **{f"cov95_{b}": mean([float(x) for x in v]) for b, v in self.covered_95.items()},
            "season_cov80": mean([float(x) for x in self.season_covered_80]),
            "season_cov95": mean([float(x) for x in self.season_covered_95]),
            "season_crps": mean(self.season_crps),
        }


def origins_for(last_day: dt.date, *, count: int, step_weeks: int, horizon: int) -> list[dt.date]:
    """`count` origins `step_weeks` apart, the newest `horizon` weeks before the day after
    `last_day`, oldest first."""
    newest = last_day + dt.timedelta(days=1) - dt.timedelta(weeks=horizon)
    return sorted(newest - dt.timedelta(weeks=step_weeks * k) for k in range(count))


def weekly_actuals(daily: Mapping[dt.date, float], start: dt.date, weeks: int) -> np.ndarray:
    units = np.zeros(weeks)
    end = start + dt.timedelta(weeks=weeks)
    for day, value in daily.items():
        if start <= day < end:
            units[(day - start).days // 7] += value
    return units


def _seasonal_scale(series: WeeklySeries) -> float:
    """MASE's scale: the in-sample mean absolute error of seasonal naive."""
    units = np.asarray(series.units, dtype=float)
    lag = members.SEASON_LAG
    return float(np.mean(np.abs(units[lag:] - units[:-lag]))) if len(units) > lag else 0.0


def forecast_scores(
    series_by_key: Mapping[str, Mapping[dt.date, float]],
    origins: Sequence[dt.date],
    *,
    horizon: int,
    methods: Iterable[str],
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[dict[str, Score], dict[str, float]]:
    """Scores of the ensemble and the peer methods over every series and origin, and how
    often the ensemble's backtest weights named the member that was in fact better."""
    methods = list(methods)
    scores = {name: Score() for name in methods}
    picks: list[bool] = []
    for number, (key, daily) in enumerate(series_by_key.items(), start=1):
        progress(f"{number}/{len(series_by_key)} {key}")
        for origin in origins:
            actual = weekly_actuals(daily, origin, horizon)
            series = weekly_series(daily, season_start=origin)
            if len(series) < members.SEASON_LAG or actual.sum() <= 0:
                for score in scores.values():
                    score.skipped += 1
                continue
            scale = _seasonal_scale(series)
            for name in methods:
                started = time.perf_counter()
                try:
                    prediction, forecast = _predict(name, daily, series, origin, horizon)
                except ForecastError:
                    prediction, forecast = None, None
                seconds = time.perf_counter() - started
                if prediction is None:
                    scores[name].skipped += 1
                    continue
                scores[name].add(actual, prediction, scale, seconds)
                if forecast is not None:
                    picks.extend(_picked_better(forecast, actual))
    pick_rate = {"picked_better": float(np.mean(picks)) if picks else math.nan}
    return scores, pick_rate


def _predict(
    name: str,
    daily: Mapping[dt.date, float],
    series: WeeklySeries,
    origin: dt.date,
    horizon: int,
) -> tuple[Prediction | None, CategoryForecast | None]:
    if name == "ensemble":
        result = forecast_category(daily, Season(start=origin, weeks=horizon))
        weeks = result.weeks
        total = result.total_units
        low80, high80 = result.risk.interval(0.8)
        low95, high95 = result.risk.interval(0.95)
        rng = np.random.default_rng(origin.toordinal())
        prediction = Prediction(
            units=np.array([w.units for w in weeks]),
            lower_80=np.array([w.lower_80 for w in weeks]),
            upper_80=np.array([w.upper_80 for w in weeks]),
            lower_95=np.array([w.lower_95 for w in weeks]),
            upper_95=np.array([w.upper_95 for w in weeks]),
            season_80=(total * low80, total * high80),
            season_95=(total * low95, total * high95),
            season_draws=total * result.risk.sample_levels(rng, SEASON_DRAWS),
        )
        return prediction, result
    path = PEERS[name](series, horizon)
    return (None if path is None else Prediction(units=np.asarray(path, dtype=float))), None


def _picked_better(result: CategoryForecast, actual: np.ndarray) -> list[bool]:
    """Whether the member with the larger weight had the lower error on this origin, for
    every pair of members whose weights differ."""
    names = list(result.weights)
    errors = {
        name: float(np.abs(actual - np.array([w.members[name] for w in result.weeks])).sum())
        for name in names
    }
    outcome = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if abs(result.weights[first] - result.weights[second]) < 1e-9:
                continue
            heavier = first if result.weights[first] > result.weights[second] else second
            lighter = second if heavier == first else first
            outcome.append(errors[heavier] <= errors[lighter])
    return outcome
