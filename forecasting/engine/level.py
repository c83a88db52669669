"""The in-season demand level, re-estimated every week (SPEC.md section 7.6). No Django imports.

The unknown is theta = log(true demand / planned demand), shared by the season's weeks. Each
observed week gives y_w = log(evidence_w / plan_w). The estimate is a robust, shrunk mean:

- Each week is winsorised to within `CLIP_LOG` of the median of the *other* observed weeks
  and the plan (0), which votes like one more week. One odd week therefore counts as at most
  a `CLIP_LOG` surprise, while weeks that agree with each other count in full: a single +30 %
  spike moves the plan by under a third of it, a steady -30 % is followed within a few weeks.
  (A Student-t likelihood behaves the same way; the winsorised mean says it in one line.)
- Recent weeks weigh more (`RECENCY` per week back), so the level can drift within a season.
- The plan is a prior worth `kappa` weeks of evidence: kappa = noise^2 / prior^2 from the
  backtest's weekly and level errors, with floors because a backtest on history never saw the
  shocks a season meets (weather, a competitor, a viral item), bounded to 1/4..1 week.
- Censored weeks are handled by the caller (`evidence` counts a store that sold out as at
  least its plan), and `lower_bound` weeks only ever pull the level up.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from forecasting.engine.types import Z_80, Z_95, ForecastWeek

MIN_PRIOR_SD = 0.15
MIN_NOISE_SD = 0.08
CLIP_LOG = 0.10
RECENCY = 0.85
KAPPA_RANGE = (0.25, 1.0)


@dataclass(frozen=True)
class LevelObservation:
    """One observed week: y = log(evidence / planned units); a lower bound when most of the
    planned demand sat in stores that sold out (the week can only say "at least")."""

    log_ratio: float
    lower_bound: bool = False


@dataclass(frozen=True)
class LevelEstimate:
    """The demand level after the observed weeks."""

    observed_weeks: int
    prior_sd: float
    noise_sd: float
    posterior_mean: float  # log scale
    posterior_sd: float
    prior_weight: float  # share of the estimate owed to the plan (the prior, centred on 0)
    likelihood_weight: float  # share owed to the observed weeks
    adjustment_factor: float  # exp(posterior mean): remaining weeks are scaled by it


def observation(evidence: float, planned: float, *, lower_bound: bool = False) -> LevelObservation:
    """y = log(evidence / planned), both floored at half a unit so empty weeks stay finite."""
    return LevelObservation(math.log(max(evidence, 0.5) / max(planned, 0.5)), lower_bound)


def _winsorised(values: Sequence[float]) -> list[float]:
    clipped = []
    for index, value in enumerate(values):
        centre = statistics.median([0.0, *(v for j, v in enumerate(values) if j != index)])
        clipped.append(min(max(value, centre - CLIP_LOG), centre + CLIP_LOG))
    return clipped


def estimate_level(
    observations: Sequence[LevelObservation], *, prior_sd: float, noise_sd: float
) -> LevelEstimate:
    """The robust, shrunk level of the module docstring."""
    prior_sd = max(prior_sd, MIN_PRIOR_SD)
    noise_sd = max(noise_sd, MIN_NOISE_SD)
    low, high = KAPPA_RANGE
    kappa = min(max(noise_sd**2 / prior_sd**2, low), high)

    def fit(used: list[int]) -> tuple[float, float]:
        values = _winsorised([observations[i].log_ratio for i in used])
        last = len(observations) - 1
        weights = [RECENCY ** (last - i) for i in used]
        evidence = math.fsum(weights)
        return math.fsum(w * v for w, v in zip(weights, values, strict=True)) / (
            evidence + kappa
        ), evidence

    exact = [i for i, o in enumerate(observations) if not o.lower_bound]
    mean, evidence = fit(exact) if exact else (0.0, 0.0)
    # A lower bound above the estimate is evidence of more demand; below it, it says nothing.
    raised = [i for i, o in enumerate(observations) if o.lower_bound and o.log_ratio > mean]
    if raised:
        mean, evidence = fit(sorted(exact + raised))
    return LevelEstimate(
        observed_weeks=len(observations),
        prior_sd=prior_sd,
        noise_sd=noise_sd,
        posterior_mean=mean,
        posterior_sd=noise_sd / math.sqrt(evidence + kappa),
        prior_weight=kappa / (evidence + kappa),
        likelihood_weight=evidence / (evidence + kappa),
        adjustment_factor=math.exp(mean),
    )


def scaled_curve(
    *,
    plan_weeks: Sequence[ForecastWeek],
    actuals: Sequence[float],
    factor: float,
    log_sd: Callable[[int], float],
) -> tuple[ForecastWeek, ...]:
    """A plan after a level update: observed weeks are the actuals (zero-width bounds), the
    rest the plan times `factor`, with log-normal 80/95 % bounds of `log_sd(weeks ahead)`."""
    weeks: list[ForecastWeek] = []
    for index, week in enumerate(plan_weeks):
        if index < len(actuals):
            value = float(actuals[index])
            low80 = high80 = low95 = high95 = value
            is_actual = True
        else:
            value = week.units * factor
            sd = log_sd(index - len(actuals) + 1)
            low80, high80 = value * math.exp(-Z_80 * sd), value * math.exp(Z_80 * sd)
            low95, high95 = value * math.exp(-Z_95 * sd), value * math.exp(Z_95 * sd)
            is_actual = False
        weeks.append(
            ForecastWeek(
                week_number=week.week_number,
                week_start=week.week_start,
                units=value,
                lower_80=low80,
                upper_80=high80,
                lower_95=low95,
                upper_95=high95,
                members=week.members,
                is_actual=is_actual,
            )
        )
    return tuple(weeks)


def level_curve(
    *, plan_weeks: Sequence[ForecastWeek], actuals: Sequence[float], level: LevelEstimate
) -> tuple[ForecastWeek, ...]:
    """The plan in force: the pre-season plan times the level, with log-sd
    sqrt(posterior^2 + noise^2) on every remaining week."""
    sd = math.hypot(level.posterior_sd, level.noise_sd)
    return scaled_curve(
        plan_weeks=plan_weeks,
        actuals=actuals,
        factor=level.adjustment_factor,
        log_sd=lambda ahead: sd,
    )
