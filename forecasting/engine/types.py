"""Plain data of the forecasting engine. No Django imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from forecasting.engine.risk import SeasonRisk

# Normal quantiles of the two central intervals every plan shows.
Z_80 = 1.2815515655446004
Z_95 = 1.959963984540054


class ForecastError(ValueError):
    """The input cannot be forecast; the message says why in the user's words."""


@dataclass(frozen=True)
class WeeklySeries:
    """Units per 7-day bucket; `week_starts[i]` is the first day of bucket i, all consecutive."""

    week_starts: tuple[dt.date, ...]
    units: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.week_starts) != len(self.units):
            raise ValueError("week_starts and units differ in length")

    def __len__(self) -> int:
        return len(self.units)


@dataclass(frozen=True)
class Season:
    """A season calendar: week n covers start + 7(n-1) .. start + 7n - 1."""

    start: dt.date
    weeks: int

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    def week_start(self, week_number: int) -> dt.date:
        return self.start + dt.timedelta(days=7 * (week_number - 1))


@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin backtest: member scores over the last year, season errors over all of it.

    `wape`/`mape` per member over all (origin, week) points of the last year's origins;
    `step_sd[h - 1]` the ensemble's log-error spread h weeks after the origin, widening with h
    (the weekly bands). `season_errors` are the ensemble's season-total log
    errors at every origin of the whole history and `shape_variance` the (a, b) of a week's
    variance a + b x step around its season's level (both feed the season risk).
    `pick_rate` is how often the member that was better on the earlier origins was better on
    the next one (None with one member or one origin).
    """

    origins: tuple[dt.date, ...]
    horizon_weeks: int
    wape: dict[str, float]
    mape: dict[str, float]
    ensemble_wape: float
    ensemble_mape: float
    step_sd: tuple[float, ...] = ()
    pick_rate: float | None = None
    season_errors: tuple[float, ...] = ()
    shape_variance: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class ForecastWeek:
    week_number: int
    week_start: dt.date
    units: float
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float
    members: Mapping[str, float] = field(default_factory=dict)
    is_actual: bool = False


@dataclass(frozen=True)
class CategoryForecast:
    """The ensemble forecast of one category's season."""

    season: Season
    weeks: tuple[ForecastWeek, ...]
    weights: Mapping[str, float]
    weighting_note: str
    backtest: BacktestResult | None
    history_weeks: int
    history_end: dt.date
    level_sd: float  # the season's log spread (risk.log_sd)
    noise_sd: float  # a week's mean log shape deviation over the season
    risk: SeasonRisk
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def total_units(self) -> float:
        return sum(week.units for week in self.weeks)

    @property
    def first_step(self) -> int:
        """Weeks from the end of history to the season's first week (1: right after)."""
        return (self.season.start - self.history_end).days // 7 + 1

    @property
    def member_totals(self) -> dict[str, float]:
        """Each member's season total (the members that forecast this season)."""
        return {
            name: sum(week.members.get(name, 0.0) for week in self.weeks) for name in self.weights
        }

    @property
    def peak_week(self) -> int:
        return max(self.weeks, key=lambda week: (week.units, -week.week_number)).week_number

    @property
    def curve(self) -> tuple[float, ...]:
        return tuple(week.units for week in self.weeks)
