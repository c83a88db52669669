"""The ensemble's members and the baselines they are measured against.

Each function takes the weekly history and a number of steps and forecasts the `steps` weeks
that follow the last history week, so every member forecasts the same calendar weeks from the
same origin. Members see the history after `guard_outages` (zero or outage weeks filled in)
and keep last year's event weeks in place. A member that cannot forecast a series (too short)
returns None and sits that forecast out. No Django imports.

A member may choose its model on the whole history before it is fitted: `prepared` returns
the members as the forecast runs them on that history and at each backtest origin, with the
model chosen once (AutoARIMA's order search is most of its time) and its parameters estimated
again on the data before each origin.

statsforecast is imported on first use (numba compiles its models: seconds on a cold start,
cached on disk after; `warm_up` does it ahead of the first plan).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize_scalar

SEASON_LAG = 52  # weeks in a seasonal cycle of 7-day buckets (364 days)
RATIO_WEEKS = 13  # the trend of the ratio member: last 13 weeks against the same weeks a year ago
MSTL_MIN_WEEKS = 2 * SEASON_LAG  # MSTL needs two cycles to separate season from trend

# A week is an outage when it sells under this share of its neighbours' median (a closed
# store, a broken feed); on series large enough that such a drop is not count noise.
THETA_BOUNDS = (-0.95, 0.0)  # the seasonal moving average of the ARIMA member

# AutoARIMA's search: a seasonal difference (D=1; none on a constant series), no seasonal AR
# (a 52-week AR polynomial is slow to fit and overfits four or five years), up to two AR and
# two MA terms; conditional sum of squares, as statsforecast itself fits a long seasonal series.
AUTOARIMA_MAX_ORDER = 2
AUTOARIMA_MIN_WEEKS = 2 * SEASON_LAG + RATIO_WEEKS  # two years of seasonal changes and a quarter

OUTAGE_SHARE = 0.3
OUTAGE_MIN_UNITS = 20.0
OUTAGE_NEIGHBOURS = 6

Member = Callable[[np.ndarray, int], np.ndarray | None]


def guard_outages(units: np.ndarray) -> np.ndarray:
    """The history with outage weeks replaced by the median of the weeks around them."""
    units = np.asarray(units, dtype=float)
    guarded = units.copy()
    for index, value in enumerate(units):
        around = np.concatenate(
            [
                units[max(0, index - OUTAGE_NEIGHBOURS) : index],
                units[index + 1 : index + 1 + OUTAGE_NEIGHBOURS],
            ]
        )
        if not len(around):
            continue
        reference = float(np.median(around))
        if reference >= OUTAGE_MIN_UNITS and value < OUTAGE_SHARE * reference:
            guarded[index] = reference
    return guarded


def _year_ago(history: np.ndarray, steps: int, growth: np.ndarray) -> np.ndarray:
    """Each step is the same week a year earlier (itself forecast when the horizon passes a
    year) times `growth[step]`."""
    path = list(history)
    for step in range(steps):
        path.append(path[-SEASON_LAG] * float(growth[step]))
    return np.asarray(path[len(history) :])


def ratio_forecast(units: np.ndarray, steps: int) -> np.ndarray | None:
    """Last year's same weeks x (last 13 weeks / the same 13 weeks a year earlier); with
    under 65 weeks of history, over the weeks there are (none: seasonal naive)."""
    if len(units) < SEASON_LAG:
        return None
    weeks = min(RATIO_WEEKS, len(units) - SEASON_LAG)
    if weeks == 0:
        return _year_ago(units, steps, np.ones(steps))
    recent = units[-weeks:].sum()
    year_before = units[-SEASON_LAG - weeks : -SEASON_LAG].sum()
    ratio = recent / year_before if year_before > 0 else 1.0
    return _year_ago(units, steps, np.full(steps, ratio))


def _seasonal_ma_filter(values: np.ndarray, theta: float) -> np.ndarray:
    """e with e_t = values_t - theta x e_(t-52), e before the series 0: the inverse of the
    seasonal moving average (1 + theta B^52), a year-long block at a time."""
    filtered = values.astype(float)
    for start in range(SEASON_LAG, len(filtered), SEASON_LAG):
        stop = min(start + SEASON_LAG, len(filtered))
        filtered[start:stop] -= theta * filtered[start - SEASON_LAG : stop - SEASON_LAG]
    return filtered


def _fit_arima(change: np.ndarray, theta: float) -> tuple[float, float, np.ndarray, float]:
    """(constant, phi, innovations, conditional sum of squares) of z_t = c + phi z_(t-1) + e_t
    + theta e_(t-52) for a fixed theta: linear in (c, phi) after the seasonal MA filter."""
    target = _seasonal_ma_filter(change[1:], theta)
    design = np.column_stack(
        [
            _seasonal_ma_filter(np.ones(len(change) - 1), theta),
            _seasonal_ma_filter(change[:-1], theta),
        ]
    )
    (constant, phi), *_ = np.linalg.lstsq(design, target, rcond=None)
    innovations = target - design @ np.array([constant, phi])
    # The first year's innovations lean on the zeros assumed before the series: not scored.
    return float(constant), float(phi), innovations, float(np.sum(innovations[SEASON_LAG:] ** 2))


def arima_forecast(units: np.ndarray, steps: int) -> np.ndarray | None:
    """ARIMA(1,0,0)(0,1,1)[52] with drift on log units, by conditional least squares.

    The seasonal difference z_t = log y_t - log y_(t-52) is AR(1) plus a constant (the yearly
    growth) plus a seasonal moving average theta e_(t-52): the forecast is last year's same
    week, grown by the drift, pulled by recent year-on-year deviations and, with theta < 0,
    corrected by the part of last year's week that was noise (an average of the years before,
    as exponential smoothing of each week of the year). It keeps the spring ramp, month steps
    and event weeks. theta is searched on [-0.95, 0]; with under two years of seasonal
    differences it is 0 (last year's week alone).
    """
    if len(units) < SEASON_LAG + RATIO_WEEKS:
        return None
    log_units = np.log1p(units)
    change = log_units[SEASON_LAG:] - log_units[:-SEASON_LAG]
    theta = 0.0
    if len(change) - 1 > 2 * SEASON_LAG:
        search = minimize_scalar(
            lambda t: _fit_arima(change, t)[3],
            bounds=THETA_BOUNDS,
            method="bounded",
            options={"xatol": 1e-3},
        )
        theta = float(search.x)
    constant, phi, innovations, _ = _fit_arima(change, theta)
    phi = float(np.clip(phi, -0.99, 0.99))
    ahead = []
    last = float(change[-1])
    for step in range(1, steps + 1):
        # The innovation a year before the step's change (0 beyond the history).
        year_before = len(innovations) - SEASON_LAG + step - 1
        known = 0 <= year_before < len(innovations)
        moving_average = theta * innovations[year_before] if known else 0.0
        last = constant + phi * last + moving_average
        ahead.append(last)
    path = list(log_units)
    for step in range(steps):
        path.append(path[-SEASON_LAG] + ahead[step])
    return np.clip(np.expm1(np.asarray(path[len(log_units) :])), 0.0, None)


def mstl_forecast(units: np.ndarray, steps: int) -> np.ndarray | None:
    """statsforecast's MSTL: a 52-week seasonal component by STL, its trend by AutoETS
    (additive or multiplicative trend, no season), on units (on log units it lost to the same
    model on units: M5 chain 6.83 against 6.58 % WAPE)."""
    if len(units) < MSTL_MIN_WEEKS:
        return None
    from statsforecast.models import MSTL, AutoETS

    model = MSTL(season_length=SEASON_LAG, trend_forecaster=AutoETS(model="ZZN"))
    predicted = model.forecast(y=np.asarray(units, dtype=float), h=steps)["mean"]
    return np.clip(np.asarray(predicted, dtype=float), 0.0, None)


class ArimaOrder(NamedTuple):
    """(p, d, q)(P, D, Q)[52] and whether the model has a constant or a drift."""

    order: tuple[int, int, int]
    seasonal_order: tuple[int, int, int]
    include_mean: bool
    include_drift: bool


def autoarima_order(units: np.ndarray) -> ArimaOrder | None:
    """The order statsforecast's AutoARIMA chooses (by AICc) for log units; None with under
    two years and a quarter of history."""
    if len(units) < AUTOARIMA_MIN_WEEKS:
        return None
    from statsforecast.models import AutoARIMA

    model = AutoARIMA(
        season_length=SEASON_LAG,
        D=1,
        max_p=AUTOARIMA_MAX_ORDER,
        max_q=AUTOARIMA_MAX_ORDER,
        max_P=0,
        method="CSS",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = model.fit(np.log1p(units)).model_
    p, q, big_p, big_q, _, d, big_d = fitted["arma"]
    return ArimaOrder(
        order=(p, d, q),
        seasonal_order=(big_p, big_d, big_q),
        include_mean="intercept" in fitted["coef"],
        include_drift="drift" in fitted["coef"],
    )


def autoarima_forecast(
    units: np.ndarray, steps: int, order: ArimaOrder | None = None
) -> np.ndarray | None:
    """statsforecast's ARIMA of `order` (searched by `autoarima_order` when not given) on log
    units: coefficients by conditional sum of squares, then the Kalman filter run through the
    history with them fixed to forecast (statsforecast forecasts a CSS fit from an empty state)."""
    if len(units) < AUTOARIMA_MIN_WEEKS:
        return None
    order = order or autoarima_order(units)
    if order is None:
        return None
    from statsforecast.models import ARIMA

    log_units = np.log1p(units)
    spec = {
        "order": order.order,
        "seasonal_order": order.seasonal_order,
        "season_length": SEASON_LAG,
        "include_mean": order.include_mean,
        "include_drift": order.include_drift,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefficients = ARIMA(**spec, method="CSS").fit(log_units).model_["coef"]
        model = ARIMA(**spec, method="ML", fixed=dict(coefficients)).fit(log_units)
        predicted = model.predict(h=steps)["mean"]
    return np.clip(np.expm1(np.asarray(predicted, dtype=float)), 0.0, None)


def seasonal_naive_forecast(units: np.ndarray, steps: int) -> np.ndarray | None:
    """The baseline: each week is the same week a year (52 weeks) earlier."""
    if len(units) < SEASON_LAG:
        return None
    return _year_ago(units, steps, np.ones(steps))


MEMBERS: dict[str, Member] = {
    "arima": arima_forecast,
    "sarima": autoarima_forecast,
    "mstl": mstl_forecast,
    "ratio": ratio_forecast,
}
MEMBER_LABELS = {
    "arima": "ARIMA",
    "sarima": "AutoARIMA",
    "mstl": "MSTL",
    "ratio": "Last year x trend",
    "seasonal_naive": "Seasonal naive",
}


def prepared(units: np.ndarray) -> dict[str, Member]:
    """The members with their model chosen on `units` (the outage-guarded history), to run on
    it and on the history before each backtest origin."""
    order = autoarima_order(units)
    return {
        **MEMBERS,
        "sarima": functools.partial(autoarima_forecast, order=order) if order else _none,
    }


def _none(units: np.ndarray, steps: int) -> None:
    """A member that has no model for this history."""
    return None


def warm_up() -> None:
    """Imports and compiles the statsforecast models on a small series (seconds, once per
    process; numba's on-disk cache makes later processes faster)."""
    week = np.arange(3 * SEASON_LAG, dtype=float)
    units = 100 + 10 * np.sin(2 * np.pi * week / SEASON_LAG)
    mstl_forecast(units, 4)
    autoarima_forecast(units, 4)
