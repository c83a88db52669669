"""The category forecast: members combined by a rolling-origin backtest, intervals that widen
with the weeks ahead. No Django imports.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from forecasting.engine import members
from forecasting.engine.metrics import mape, wape
from forecasting.engine.risk import MIN_SEASON_ERRORS, NO_SHOCK, SeasonShock, season_risk
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
# Backtest origins: eight weeks apart, the newest one horizon before the end of history, back
# to the first week a member can forecast from (at most `MAX_ORIGINS`, about six years). The
# newest twelve (the seasons of the last two years) weigh the members; all of them measure how
# far a season total can land from the forecast (forecasting.engine.risk).
BACKTEST_ORIGINS = 12
# The weekly bands come from the newest six of them (the last year): over all twelve, the older
# origins' larger errors made the bands too wide on the M5 extract (weeks 1-4 of the 80 % band
# covered 88 % on the chain, 85 % on the stores; over six, 82 and 81 %).
BAND_ORIGINS = 6
BACKTEST_SPACING_WEEKS = 8
MAX_ORIGINS = 40
# Which origins measure the season error: those whose members carry all of the ensemble's
# weight, else (too few) at least half of it (`_season_errors`).
ORIGIN_WEIGHT_SHARES = (1.0, 0.5)
MIN_BACKTEST_HORIZON = 12
MAX_BACKTEST_HORIZON = 26
MIN_ORIGINS = 3
# A member over this factor of the best member's backtest error is left out; the rest are
# weighted by 1 / error squared (Bates and Granger's inverse-variance weights). Measured on
# the M5 extract (benchmark_forecast, chain / store x department WAPE): with six origins a
# tight cut dropped members whose errors differ by chance (1.25x: 6.20 / 9.87 %, 3x: 6.15 /
# 10.08 %, weights 1 / error, equal weights when the backtest named the better member less
# than 60 % of the time); over twelve origins the ranking holds and the tight cut with
# squared weights does best (1.25x: 5.99 / 9.81 %; 1.5x: 6.08 / 9.89 %; 3x: 6.09 / 9.89 %).
TRIM_RATIO = 1.25
WEIGHT_POWER = 2.0
# A member judged on fewer origins (`_with_unjudged`) is left out only when it broke on them:
# over this factor of the best judged member's error.
UNJUDGED_TRIM_RATIO = 3.0
# Weekly bands are never narrower than this log spread, whatever a short backtest says; with
# no backtest at all they use the fallback spread, widening by the step's.
MIN_WEEKLY_LOG_SD = 0.02
FALLBACK_LOG_SD = 0.15
FALLBACK_STEP_VARIANCE = 0.02**2

MemberFn = Callable[[np.ndarray, int], np.ndarray | None]


def _log_errors(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    return np.log1p(actual) - np.log1p(forecast)


def _backtest_horizon(steps: int) -> int:
    return min(max(steps, MIN_BACKTEST_HORIZON), MAX_BACKTEST_HORIZON)


def _origin_paths(
    units: np.ndarray, horizon: int, member_fns: Mapping[str, MemberFn]
) -> list[tuple[int, dict[str, np.ndarray]]]:
    """(origin, each available member's path) for the backtest origins, oldest first."""
    n = len(units)
    found = []
    for k in range(MAX_ORIGINS):
        origin = n - horizon - BACKTEST_SPACING_WEEKS * k
        if origin < members.SEASON_LAG:
            break
        train = members.guard_outages(units[:origin])
        paths = {name: fn(train, horizon) for name, fn in member_fns.items()}
        found.append((origin, {name: p for name, p in paths.items() if p is not None}))
    return found[::-1]


def _choose_members(
    available: Sequence[str], origin_paths: list[tuple[int, dict[str, np.ndarray]]]
) -> list[str]:
    """The members to combine: all that forecast the season, less those that forecast too few
    backtest origins to be judged (a member needing two years on a history of two years)."""
    chosen = list(available)
    reachable = sum(1 for _, paths in origin_paths if paths)
    needed = min(MIN_ORIGINS, reachable)
    while chosen:
        count = sum(1 for _, paths in origin_paths if all(m in paths for m in chosen))
        if count >= needed:
            break
        chosen.remove(min(chosen, key=lambda m: sum(m in paths for _, paths in origin_paths)))
    return chosen


def _with_unjudged(
    weights: Mapping[str, float],
    available: Sequence[str],
    origin_paths: list[tuple[int, dict[str, np.ndarray]]],
    units: np.ndarray,
    horizon: int,
) -> dict[str, float]:
    """`weights` of the judged members, with each member that forecasts the season but too few
    backtest origins to be judged beside them (it needs more history than the early origins
    have) at an equal share: it is scored on the origins it can forecast, and left out when
    there are none or when it errs there over `UNJUDGED_TRIM_RATIO` x the best judged member's
    error."""
    judged = [m for m in weights if weights[m] > 0]
    kept = []
    for member in (m for m in available if m not in weights):
        own = [(o, p) for o, p in origin_paths if member in p and all(m in p for m in judged)]
        if not own:
            # No origin to score it on (MSTL on two years and a few weeks: its two cycles
            # forecast the sample's holdout seasons at 5-9 % WAPE against 1-3 % for the rest).
            continue
        actual = np.concatenate([units[o : o + horizon] for o, _ in own])
        error = wape(actual, np.concatenate([p[member] for _, p in own]))
        best = min(wape(actual, np.concatenate([p[m] for _, p in own])) for m in judged)
        if error <= UNJUDGED_TRIM_RATIO * best:
            kept.append(member)
    if not kept:
        return dict(weights)
    share = len(kept) / (len(judged) + len(kept))
    return {
        **{m: w * (1 - share) for m, w in weights.items()},
        **dict.fromkeys(kept, share / len(kept)),
    }


def _pick_rate(errors: list[dict[str, float]]) -> float | None:
    """How often the member with the lowest mean error on the earlier origins had the lowest
    error on the next origin."""
    names = list(errors[0]) if errors else []
    if len(names) < 2 or len(errors) < 2:
        return None
    hits = 0
    for i in range(1, len(errors)):
        earlier = {m: float(np.mean([e[m] for e in errors[:i]])) for m in names}
        hits += min(earlier, key=earlier.__getitem__) == min(errors[i], key=errors[i].__getitem__)
    return hits / (len(errors) - 1)


def _step_sd(log_errors: np.ndarray) -> tuple[float, float]:
    """(a, b) of the error variance a + b x step fitted to the backtest's squared log errors
    (origins x steps), both at least 0."""
    steps = np.arange(1, log_errors.shape[1] + 1, dtype=float)
    variance = np.mean(log_errors**2, axis=0)
    design = np.column_stack([np.ones_like(steps), steps])
    (a, b), *_ = np.linalg.lstsq(design, variance, rcond=None)
    if b < 0:
        a, b = float(np.mean(variance)), 0.0
    if a < 0:
        a, b = 0.0, float(np.sum(variance * steps) / np.sum(steps**2))
    return float(a), float(b)


def _season_slice(gap_weeks: int, season_weeks: int, horizon: int) -> slice:
    """The weeks of a backtest path that stand for the season: as far after the origin as the
    season is after the end of history, within the backtest's horizon."""
    start = min(gap_weeks, max(horizon - season_weeks, 0))
    return slice(start, min(start + season_weeks, horizon))


def _season_errors(
    units: np.ndarray,
    origin_paths: list[tuple[int, dict[str, np.ndarray]]],
    weights: Mapping[str, float],
    horizon: int,
    season: slice,
) -> tuple[list[float], np.ndarray]:
    """The ensemble's season-total log error at each origin and its weekly log errors around
    that level (origins x steps).

    An origin counts when the members that forecast it carry all of the ensemble's weight (the
    forecast as it is made); when that leaves under `risk.MIN_SEASON_ERRORS` origins, those
    carrying at least half of it, with the weights over them (a forecast from a year of
    history, by its one or two members, errs far more than the ensemble of a longer one).
    """
    for share in ORIGIN_WEIGHT_SHARES:
        errors: list[float] = []
        deviations: list[np.ndarray] = []
        for origin, paths in origin_paths:
            used = {m: weights[m] for m in paths if weights.get(m, 0.0) > 0}
            total_weight = sum(used.values())
            if total_weight < share - 1e-9 or total_weight <= 0:
                continue
            path = np.sum([w / total_weight * paths[m] for m, w in used.items()], axis=0)
            actual = units[origin : origin + horizon]
            planned = float(path[season].sum())
            if planned <= 0 or float(actual[season].sum()) <= 0:
                continue
            errors.append(math.log(float(actual[season].sum()) / planned))
            level = math.log(max(float(actual.sum()), 0.5) / max(float(path.sum()), 0.5))
            deviations.append(_log_errors(actual, path) - level)
        if len(errors) >= MIN_SEASON_ERRORS:
            break
    return errors, np.array(deviations)


def backtest(
    series: WeeklySeries,
    steps: int,
    member_fns: Mapping[str, MemberFn],
    available: Sequence[str],
    season_weeks: int | None = None,
) -> tuple[BacktestResult | None, dict[str, float], tuple[float, float]]:
    """Rolling-origin backtest of the `available` members (those that forecast the season
    itself): the newest `BACKTEST_ORIGINS` origins weigh them, every origin measures the
    ensemble's season-total error (`BacktestResult.season_errors`, for `season_weeks` weeks
    ending `steps` weeks after the history).

    Returns the result (None when no origin has enough history), the members' weights and
    the (a, b) of the per-step error variance a + b x step on the newest `BAND_ORIGINS` (the weekly
    bands: a week's own error, which is smaller early in a season than the season's level
    error is).
    """
    units = np.asarray(series.units, dtype=float)
    horizon = _backtest_horizon(steps)
    every_origin = _origin_paths(units, horizon, member_fns)
    origin_paths = every_origin[-BACKTEST_ORIGINS:]
    chosen = _choose_members(available, origin_paths)
    scored = [(o, p) for o, p in origin_paths if chosen and all(m in p for m in chosen)]
    if not scored:
        equal = {m: 1.0 / len(available) for m in available}
        return None, equal, (FALLBACK_LOG_SD**2, FALLBACK_STEP_VARIANCE)

    actual = [units[o : o + horizon] for o, _ in scored]
    errors = [{m: wape(a, p[m]) for m in chosen} for a, (_, p) in zip(actual, scored, strict=True)]
    all_actual = np.concatenate(actual)
    member_wape = {m: wape(all_actual, np.concatenate([p[m] for _, p in scored])) for m in chosen}
    member_mape = {m: mape(all_actual, np.concatenate([p[m] for _, p in scored])) for m in chosen}
    weights = inverse_error_weights(_trimmed(member_wape))
    weights = {m: weights.get(m, 0.0) for m in chosen}
    ensemble = [np.sum([weights[m] * p[m] for m in chosen], axis=0) for _, p in scored]
    weights = _with_unjudged(weights, available, origin_paths, units, horizon)
    log_errors = np.array([_log_errors(a, f) for a, f in zip(actual, ensemble, strict=True)])
    residual = log_errors - np.mean(log_errors, axis=1, keepdims=True)
    gap_weeks = steps - (season_weeks or steps)
    season_errors, deviations = _season_errors(
        units,
        every_origin,
        weights,
        horizon,
        _season_slice(gap_weeks, season_weeks or steps, horizon),
    )
    a, b = _step_sd(log_errors[-BAND_ORIGINS:])
    result = BacktestResult(
        origins=tuple(series.week_starts[o] for o, _ in scored),
        horizon_weeks=horizon,
        wape=member_wape,
        mape=member_mape,
        ensemble_wape=wape(all_actual, np.concatenate(ensemble)),
        ensemble_mape=mape(all_actual, np.concatenate(ensemble)),
        step_sd=tuple(math.sqrt(a + b * h) for h in range(1, horizon + 1)),
        pick_rate=_pick_rate(errors),
        season_errors=tuple(season_errors),
        shape_variance=_step_sd(deviations) if len(deviations) else _step_sd(residual),
    )
    return result, weights, (a, b)


def _trimmed(errors: Mapping[str, float]) -> dict[str, float]:
    """The members whose backtest error is within `TRIM_RATIO` of the best member's."""
    best = min(errors.values())
    return {m: e for m, e in errors.items() if e <= TRIM_RATIO * best}


def inverse_error_weights(errors: Mapping[str, float]) -> dict[str, float]:
    """Weights proportional to 1 / error ** `WEIGHT_POWER`, summing to 1; a perfect member
    takes all weight."""
    perfect = [name for name, error in errors.items() if error <= 1e-9]
    if perfect:
        return {name: (1.0 / len(perfect) if name in perfect else 0.0) for name in errors}
    inverse = {name: error**-WEIGHT_POWER for name, error in errors.items()}
    total = sum(inverse.values())
    return {name: value / total for name, value in inverse.items()}


def _weighting_note(result: BacktestResult | None, weights: Mapping[str, float]) -> str:
    labels = ", ".join(members.MEMBER_LABELS.get(m, m) for m in weights)
    if result is None:
        return f"equal weights ({labels}): too little history for a backtest"
    errors = ", ".join(
        f"{members.MEMBER_LABELS.get(m, m)} {result.wape[m]:.1%}" for m in result.wape
    )
    unjudged = [members.MEMBER_LABELS.get(m, m) for m in weights if m not in result.wape]
    if unjudged:
        errors += f"; {', '.join(unjudged)} at an equal share (too little history to backtest)"
    origins = len(result.origins)
    dropped = [members.MEMBER_LABELS.get(m, m) for m, w in weights.items() if w == 0]
    left_out = f"; {', '.join(dropped)} left out (over {TRIM_RATIO}x the best)" if dropped else ""
    picked = (
        ""
        if result.pick_rate is None
        else f" (the backtest named the better member {result.pick_rate:.0%} of the time)"
    )
    return f"inverse squared backtest WAPE over {origins} origins{picked}{left_out}: {errors}"


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
    path = members.seasonal_naive_forecast(np.asarray(series.units, dtype=float), steps)
    if path is None:
        raise ForecastError(f"seasonal naive needs {members.SEASON_LAG} weeks of history")
    return path[gap_weeks:]


def forecast_category(
    daily_units: Mapping[dt.date, float],
    season: Season,
    *,
    category_name: str = "this category",
    member_fns: Mapping[str, MemberFn] | None = None,
    season_shock: SeasonShock = NO_SHOCK,
) -> CategoryForecast:
    """Forecasts a category's weekly demand for `season` from its dated sales history.

    Every member forecasts every week from the end of history through the season's last week
    (on the outage-guarded history); the season's weeks are then sliced out and combined by the
    backtest's weights. The season's risk (forecasting.engine.risk) comes from the backtest's
    season-total errors at every origin and `season_shock`; each week's bands from the
    backtest's error at that step ahead and the same shock. Raises ForecastError with fewer
    than 52 complete weeks of history.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    series = weekly_series(daily_units, season_start=season.start)
    if len(series) < MIN_HISTORY_WEEKS:
        raise ForecastError(
            f"{category_name} has {len(series)} complete weeks of sales history before "
            f"{season.start:%Y-%m-%d}; forecasting needs at least {MIN_HISTORY_WEEKS}."
        )
    gap_weeks, steps = _steps_to_season(series, season)
    timings["series"] = time.perf_counter() - started

    started = time.perf_counter()
    guarded = members.guard_outages(np.asarray(series.units, dtype=float))
    member_fns = member_fns or members.prepared(guarded)
    fitted = {name: fn(guarded, steps) for name, fn in member_fns.items()}
    full = {name: path for name, path in fitted.items() if path is not None}
    if not full:
        raise ForecastError(f"no forecasting member can use the history of {category_name}")
    timings["fit_and_forecast"] = time.perf_counter() - started

    started = time.perf_counter()
    result, weights, (a, b) = backtest(
        series, steps, member_fns, list(full), season_weeks=season.weeks
    )
    timings["backtest"] = time.perf_counter() - started
    risk = season_risk(
        result.season_errors if result else (),
        shape_variance=result.shape_variance if result else (a, b),
        shock=season_shock,
    )
    paths = {name: full[name][gap_weeks:] for name in weights}

    weeks = []
    for index in range(season.weeks):
        point = float(sum(weights[name] * paths[name][index] for name in paths))
        step = gap_weeks + index + 1
        # A week's own error at this step ahead, and the season's shock, which moves every
        # week of the season alike.
        sd = math.hypot(max(math.sqrt(a + b * step), MIN_WEEKLY_LOG_SD), season_shock.sd)
        weeks.append(
            ForecastWeek(
                week_number=index + 1,
                week_start=season.week_start(index + 1),
                units=point,
                lower_80=point * math.exp(-Z_80 * sd),
                upper_80=point * math.exp(Z_80 * sd),
                lower_95=point * math.exp(-Z_95 * sd),
                upper_95=point * math.exp(Z_95 * sd),
                members={name: float(paths[name][index]) for name in paths},
            )
        )
    return CategoryForecast(
        season=season,
        weeks=tuple(weeks),
        weights=weights,
        weighting_note=_weighting_note(result, weights),
        backtest=result,
        history_weeks=len(series),
        history_end=series.week_starts[-1] + dt.timedelta(days=6),
        level_sd=risk.log_sd,
        noise_sd=max(
            math.fsum(risk.shape_sd(gap_weeks + i + 1) for i in range(season.weeks)) / season.weeks,
            MIN_WEEKLY_LOG_SD,
        ),
        risk=risk,
        timings=timings,
    )
