"""The season's demand risk: one distribution of where the season total can land against the
plan. No Django imports.

    log(season demand / planned total) = history error + season shock

- The history error is what the forecast got wrong on seasons it had not seen: the ensemble's
  season-total log errors at rolling origins over the whole history (every origin with a full
  season after it), as their empirical distribution, smoothed only by a narrow Gaussian kernel
  (`MIN_SEASON_LOG_SD`) so its quantiles are continuous. Wider kernels (scipy's Scott and
  Silverman rules) over-covered the M5 chain's season totals (92 and 90 % in the 80 %
  interval); the empirical errors covered 84 %. With too few origins, a default normal spread
  stands in and the note says so.
- The season shock is what history does not contain: a range that does not sell, weather, a
  competitor. Normal on the log scale with the spread `SeasonShock.sd`, learned from the
  retailer's closed seasons (`learned_shock`), or a prior when there are none.

A simulated season's weeks are its level times shape deviations (normal, `shape_sd` at that
step ahead) that move units between weeks without changing the season total. The season
interval, the newsvendor order and the simulator's demand paths all come from here; the weekly
bands take the same shock with each week's own backtest error at its step ahead.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

# Fewer rolling-origin season errors than this are not a distribution: the default spread of
# `FALLBACK_SEASON_LOG_SD` (about +-20 % in 8 of 10 seasons) stands in.
MIN_SEASON_ERRORS = 5
FALLBACK_SEASON_LOG_SD = 0.15
# The kernel around each history error (log scale): quantiles between the errors, and a
# forecast never sure of its season total to better than this (a flat history backtests
# perfectly).
MIN_SEASON_LOG_SD = 0.02


@dataclass(frozen=True)
class SeasonShock:
    """The season-shock spread (log scale) and where it came from, in words."""

    sd: float
    source: str
    closed_seasons: int = 0


NO_SHOCK = SeasonShock(0.0, "none: history errors only")


@dataclass(frozen=True)
class SeasonRisk:
    """The distribution of log(season demand / planned total) (module docstring).

    `history_errors` are the rolling-origin season-total log errors, `bandwidth` the kernel
    around each, `shock` the season shock; `shape_a + shape_b x step` is the variance of a
    week's deviation from the season level `step` weeks after the end of history.
    """

    history_errors: tuple[float, ...]
    bandwidth: float
    shock: SeasonShock
    shape_a: float
    shape_b: float
    note: str

    @property
    def spread(self) -> float:
        """The normal spread around each history error: its kernel and the shock."""
        return math.hypot(self.bandwidth, self.shock.sd)

    @property
    def log_sd(self) -> float:
        """The standard deviation of the season's log error (history and shock)."""
        return math.sqrt(self.history_variance + self.shock.sd**2)

    @property
    def history_variance(self) -> float:
        """The variance of the history part alone (errors about their mean and the kernel)."""
        errors = np.asarray(self.history_errors)
        return float(np.mean((errors - errors.mean()) ** 2)) + self.bandwidth**2

    def shape_sd(self, step: int) -> float:
        """The spread of a week's deviation from the season level, `step` weeks ahead."""
        return math.sqrt(max(self.shape_a + self.shape_b * step, 0.0))

    def log_quantile(self, probability: float, extra_sd: float = 0.0) -> float:
        """The `probability` quantile of the season's log error (plus a normal(0, `extra_sd`)
        term, a week's shape deviation)."""
        return _log_quantile(self, probability, extra_sd)

    def factor_quantile(self, probability: float) -> float:
        """The `probability` quantile of season demand / planned total."""
        return math.exp(self.log_quantile(probability))

    def interval(self, coverage: float) -> tuple[float, float]:
        """The central `coverage` interval of season demand / planned total."""
        tail = (1 - coverage) / 2
        return self.factor_quantile(tail), self.factor_quantile(1 - tail)

    def sample_levels(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """`count` draws of season demand / planned total."""
        errors = np.asarray(self.history_errors)
        picked = errors[rng.integers(0, len(errors), count)]
        return np.exp(picked + rng.normal(0.0, self.spread, count))

    def sample_shapes(
        self, rng: np.random.Generator, curve: Sequence[float] | np.ndarray, first_step: int
    ) -> np.ndarray:
        """One draw of weekly factors for `curve` (week i is `first_step + i` weeks after the
        end of history) that leave the season total unchanged."""
        curve_array = np.asarray(curve, dtype=float)
        sds = np.array([self.shape_sd(first_step + i) for i in range(len(curve_array))])
        factors = np.exp(rng.normal(0.0, 1.0, len(curve_array)) * sds)
        weighted = float(np.dot(curve_array, factors))
        total = float(curve_array.sum())
        return factors * (total / weighted) if weighted > 0 else np.ones_like(curve_array)

    def as_dict(self) -> dict[str, object]:
        """The distribution as stored with a forecast (`from_dict` reads it back)."""
        return {
            "history_errors": list(self.history_errors),
            "bandwidth": self.bandwidth,
            "shock_sd": self.shock.sd,
            "shock_source": self.shock.source,
            "closed_seasons": self.shock.closed_seasons,
            "shape_a": self.shape_a,
            "shape_b": self.shape_b,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> SeasonRisk:
        errors = data["history_errors"]
        if not isinstance(errors, list):
            raise ValueError("history_errors must be a list")
        return cls(
            history_errors=tuple(float(e) for e in errors),
            bandwidth=float(str(data["bandwidth"])),
            shock=SeasonShock(
                float(str(data["shock_sd"])),
                str(data["shock_source"]),
                int(str(data.get("closed_seasons", 0))),
            ),
            shape_a=float(str(data["shape_a"])),
            shape_b=float(str(data["shape_b"])),
            note=str(data.get("note", "")),
        )


# A quantile is a root search over the history errors' normal mixture: pure in the (frozen)
# risk and its arguments, and asked again at every read of a season's range and money.
@functools.lru_cache(maxsize=4096)
def _log_quantile(risk: SeasonRisk, probability: float, extra_sd: float) -> float:
    errors = np.asarray(risk.history_errors)
    scale = math.hypot(risk.spread, extra_sd)
    if scale <= 0:
        return float(np.quantile(errors, probability))

    def below(x: float) -> float:
        return float(np.mean(norm.cdf((x - errors) / scale))) - probability

    low = float(errors.min()) - 12 * scale
    high = float(errors.max()) + 12 * scale
    return float(brentq(below, low, high, xtol=1e-9))


def season_risk(
    season_errors: Sequence[float],
    *,
    shape_variance: tuple[float, float],
    shock: SeasonShock = NO_SHOCK,
) -> SeasonRisk:
    """The distribution from the rolling-origin season-total log errors and the per-step shape
    variance (a, b) of the backtest."""
    errors = tuple(float(e) for e in season_errors)
    a, b = shape_variance
    if len(errors) < MIN_SEASON_ERRORS:
        return SeasonRisk(
            history_errors=(0.0,),
            bandwidth=FALLBACK_SEASON_LOG_SD,
            shock=shock,
            shape_a=a,
            shape_b=b,
            note=(
                f"{len(errors)} rolling-origin seasons in the history (under "
                f"{MIN_SEASON_ERRORS}): a default spread of {FALLBACK_SEASON_LOG_SD:.0%} stands "
                "in for the forecast's own errors"
            ),
        )
    return SeasonRisk(
        history_errors=errors,
        bandwidth=MIN_SEASON_LOG_SD,
        shock=shock,
        shape_a=a,
        shape_b=b,
        note=f"season-total errors of the forecast at {len(errors)} rolling origins",
    )


def normal_risk(log_sd: float, *, shape_sd: float, note: str) -> SeasonRisk:
    """A normal season distribution of spread `log_sd` (a forecast stored before the
    distribution was, or a caller that knows only a spread)."""
    return SeasonRisk(
        history_errors=(0.0,),
        bandwidth=max(log_sd, 0.0),
        shock=NO_SHOCK,
        shape_a=shape_sd**2,
        shape_b=0.0,
        note=note,
    )


@dataclass(frozen=True)
class ClosedSeason:
    """A closed season's evidence of shocks: log(demand / pre-season plan) and the history
    error variance its forecast expected."""

    category: str
    log_error: float
    history_variance: float


def learned_shock(
    closed: Sequence[ClosedSeason], *, category: str, prior_sd: float, prior_seasons: float
) -> SeasonShock:
    """The season-shock spread for `category`, shrunk in two steps:

    excess_i = max(0, log_error_i^2 - history_variance_i) is what a closed season missed beyond
    the history errors its forecast knew; all categories' excesses give a pooled variance
    (prior_seasons x prior_sd^2 + sum excess) / (prior_seasons + n), and the category's own
    seasons are shrunk toward it the same way. With no closed seasons, the prior.
    """
    if not closed:
        return SeasonShock(
            prior_sd, f"prior {prior_sd:.0%} (PLANNING_SEASON_SHOCK_SD): no closed seasons yet"
        )

    def excess(season: ClosedSeason) -> float:
        return max(0.0, season.log_error**2 - season.history_variance)

    pooled = (prior_seasons * prior_sd**2 + math.fsum(excess(s) for s in closed)) / (
        prior_seasons + len(closed)
    )
    own = [s for s in closed if s.category == category]
    variance = (prior_seasons * pooled + math.fsum(excess(s) for s in own)) / (
        prior_seasons + len(own)
    )
    return SeasonShock(
        math.sqrt(variance),
        f"learned from {len(own)} closed season{'s' * (len(own) != 1)} of this category and "
        f"{len(closed)} of all categories, with a prior of {prior_sd:.0%} worth "
        f"{prior_seasons:g} seasons",
        closed_seasons=len(closed),
    )
