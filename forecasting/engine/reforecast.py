"""The Kalman level update of the loop before issue 10, run only at a re-forecast (at most two)
and kept so `evaluate_engine` can replay that loop beside today's (`level.py` is the update the
product runs every week), and the markdown lift both use. No Django imports.

The level theta = log(true demand / pre-season forecast) has a prior N(0, prior_sd^2); each
observed week gives y_w = log(actual_w / forecast_w) = theta + noise; a Kalman filter on a
slowly drifting level gives the posterior, and the remaining weeks are the pre-season curve
times exp(posterior mean).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from forecasting.engine.level import scaled_curve
from forecasting.engine.types import ForecastWeek

# Backtests on history see model error only; a season's demand also meets shocks the history
# never had (weather, a competitor, a viral item). Floors keep the prior open to them.
MIN_PRIOR_SD = 0.15
MIN_NOISE_SD = 0.08
DEFAULT_DRIFT_SD = 0.01


@dataclass(frozen=True)
class LevelUpdate:
    """The posterior of the demand level after the observed weeks."""

    observed_weeks: int
    prior_sd: float
    noise_sd: float
    posterior_mean: float  # log scale
    posterior_sd: float
    prior_weight: float  # share of the posterior mean owed to the prior (centred on the plan)
    likelihood_weight: float  # share owed to the observed weeks
    adjustment_factor: float  # exp(posterior mean): remaining weeks are scaled by it


def update_level(
    *,
    plan: Sequence[float],
    actuals: Sequence[float],
    prior_sd: float,
    noise_sd: float,
    drift_sd: float = DEFAULT_DRIFT_SD,
) -> LevelUpdate:
    """Kalman filter over the observed weeks: predict (variance + drift^2), then update
    with y_w (variance noise^2). With drift 0 this is the textbook conjugate normal update:
    precision 1/prior^2 + n/noise^2."""
    prior_sd = max(prior_sd, MIN_PRIOR_SD)
    noise_sd = max(noise_sd, MIN_NOISE_SD)
    mean, var = 0.0, prior_sd**2
    prior_share = 1.0  # how much of `mean` is still the prior's 0, for reporting
    for index, actual in enumerate(actuals):
        if index > 0:
            var += drift_sd**2
        observed = math.log1p(actual) - math.log1p(plan[index])
        gain = var / (var + noise_sd**2)
        mean += gain * (observed - mean)
        var *= 1 - gain
        prior_share *= 1 - gain
    return LevelUpdate(
        observed_weeks=len(actuals),
        prior_sd=prior_sd,
        noise_sd=noise_sd,
        posterior_mean=mean,
        posterior_sd=math.sqrt(var),
        prior_weight=prior_share,
        likelihood_weight=1 - prior_share,
        adjustment_factor=math.exp(mean),
    )


def reforecast_curve(
    *,
    plan_weeks: Sequence[ForecastWeek],
    actuals: Sequence[float],
    update: LevelUpdate,
    drift_sd: float = DEFAULT_DRIFT_SD,
) -> tuple[ForecastWeek, ...]:
    """The new weekly curve: remaining weeks the plan times the adjustment factor. A week h
    weeks ahead has log-sd sqrt(posterior^2 + h drift^2 + noise^2)."""
    return scaled_curve(
        plan_weeks=plan_weeks,
        actuals=actuals,
        factor=update.adjustment_factor,
        log_sd=lambda ahead: math.sqrt(
            update.posterior_sd**2 + ahead * drift_sd**2 + update.noise_sd**2
        ),
    )


def apply_lift(
    weeks: Sequence[ForecastWeek], *, from_week: int, lift: float
) -> tuple[ForecastWeek, ...]:
    """The plan after a markdown: weeks from `from_week` on are scaled by (1 + lift)."""
    factor = 1.0 + lift
    return tuple(
        week
        if week.week_number < from_week or week.is_actual
        else ForecastWeek(
            week_number=week.week_number,
            week_start=week.week_start,
            units=week.units * factor,
            lower_80=week.lower_80 * factor,
            upper_80=week.upper_80 * factor,
            lower_95=week.lower_95 * factor,
            upper_95=week.upper_95 * factor,
            members=week.members,
        )
        for week in weeks
    )
