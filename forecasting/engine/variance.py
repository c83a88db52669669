"""In-season variance against the current plan and the re-forecast trigger.

variance = (actual - forecast) / forecast: positive means demand ran above plan.
No Django imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ON_TRACK_BELOW = 0.10
ELEVATED_UP_TO = 0.20


def variance(actual: float, forecast: float) -> float:
    if forecast <= 0:
        raise ValueError("variance needs a positive forecast")
    return (actual - forecast) / forecast


def band(value: float) -> str:
    """on_track (< 10 %), elevated (10-20 %), high (> 20 %), by absolute variance."""
    size = abs(value)
    if size < ON_TRACK_BELOW:
        return "on_track"
    if size <= ELEVATED_UP_TO:
        return "elevated"
    return "high"


@dataclass(frozen=True)
class VarianceCheck:
    """Week N's variance, the cumulative variance since the plan was made, and the decision."""

    week_number: int
    weekly_actual: float
    weekly_forecast: float
    weekly_variance: float
    weekly_band: str
    cumulative_actual: float
    cumulative_forecast: float
    cumulative_variance: float
    cumulative_band: str
    reforecast: bool
    reason: str


def check_variance(
    *,
    plan: Sequence[float],
    actuals: Sequence[float],
    plan_first_week: int,
    horizon_weeks: int,
    threshold: float = 0.20,
) -> VarianceCheck:
    """Variance of the latest observed week and the re-forecast decision.

    `plan` is the current plan's weekly units (weeks 1..horizon), `actuals` the observed weeks
    1..N. Cumulative variance runs from `plan_first_week`, the first week the current plan did
    not know (1 for the pre-season plan): weeks a re-forecast already absorbed do not count
    again. Re-forecast when abs(cumulative) > threshold, or the last two weeks both exceed it
    in the same direction; and at least 2 weeks remain. There is no cap on revisions: the plan
    follows the evidence every week.
    """
    week = len(actuals)
    if week == 0 or week > len(plan):
        raise ValueError(f"need 1..{len(plan)} observed weeks, got {week}")
    weekly = variance(actuals[-1], plan[week - 1])
    since = range(plan_first_week - 1, week)
    cumulative_actual = sum(actuals[i] for i in since)
    cumulative_forecast = sum(plan[i] for i in since)
    cumulative = variance(cumulative_actual, cumulative_forecast)

    last_two = [variance(actuals[i], plan[i]) for i in range(max(week - 2, 0), week)]
    both_beyond = (
        len(last_two) == 2
        and week - 1 >= plan_first_week
        and all(abs(v) > threshold for v in last_two)
        and (last_two[0] > 0) == (last_two[1] > 0)
    )
    remaining = horizon_weeks - week
    direction = "above" if cumulative > 0 else "below"
    if abs(cumulative) > threshold:
        trigger = (
            f"cumulative variance {cumulative:+.1%} since week {plan_first_week} is beyond "
            f"the {threshold:.0%} threshold ({direction} plan)"
        )
    elif both_beyond:
        trigger = (
            f"weeks {week - 1} and {week} were both {last_two[0]:+.1%} and {last_two[1]:+.1%}, "
            f"beyond the {threshold:.0%} threshold in the same direction"
        )
    else:
        trigger = ""

    if not trigger:
        decision, reason = (
            False,
            (
                f"no revision (the plan's level is still updated): cumulative variance "
                f"{cumulative:+.1%} is within the {threshold:.0%} threshold"
            ),
        )
    elif remaining < 2:
        decision, reason = False, f"no revision: {trigger}, but only {remaining} week(s) remain"
    else:
        decision, reason = True, f"re-forecast: {trigger}"
    return VarianceCheck(
        week_number=week,
        weekly_actual=actuals[-1],
        weekly_forecast=plan[week - 1],
        weekly_variance=weekly,
        weekly_band=band(weekly),
        cumulative_actual=cumulative_actual,
        cumulative_forecast=cumulative_forecast,
        cumulative_variance=cumulative,
        cumulative_band=band(cumulative),
        reforecast=decision,
        reason=reason,
    )
