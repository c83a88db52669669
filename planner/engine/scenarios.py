"""A seeded family of in-season demand scenarios around a plan, for the engine's tests and
`evaluate_engine --family`: what the in-season loop must survive, beyond the five sample
scenarios. No Django imports.

Each scenario scales the plan's weekly curve (a level break from week 1 or mid-season,
gradual drift, a one-week spike), may close the largest store, and says how customers answer
a markdown (`lift_response`: 0 = no lift, 1 = the lift the plan assumes, 2 = twice it). Store
demand is then drawn around the planned shares: store-week noise (lognormal) and Poisson counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# The spread of one store-week's demand around its planned share of the week (log scale).
STORE_WEEK_NOISE = 0.10


@dataclass(frozen=True)
class Scenario:
    name: str
    multipliers: tuple[float, ...]  # each week's demand against the plan
    lift_response: float = 1.0
    closed_store_from: int | None = None  # the largest store sells nothing from this week


def _break(weeks: int, size: float, from_week: int) -> tuple[float, ...]:
    return tuple(1.0 + size if week >= from_week else 1.0 for week in range(1, weeks + 1))


def scenario_family(weeks: int) -> tuple[Scenario, ...]:
    """The family for a season of `weeks` weeks (mid-season = week weeks // 2 + 1)."""
    mid = weeks // 2 + 1
    family = [
        Scenario(f"level {size:+.0%} from week 1", _break(weeks, size, 1))
        for size in (-0.9, -0.6, -0.3, 0.3, 0.6)
    ]
    family += [Scenario("collapse to 10% of plan from week 2", _break(weeks, -0.9, 2))]
    family += [
        Scenario(f"level {size:+.0%} from week {mid}", _break(weeks, size, mid))
        for size in (-0.9, -0.5, 0.5)
    ]
    family += [
        Scenario(
            f"drift to {size:+.0%} by week {weeks}",
            tuple(1.0 + size * week / (weeks - 1) for week in range(weeks)),
        )
        for size in (-0.5, 0.4)
    ]
    flat = (1.0,) * weeks
    weak = _break(weeks, -0.3, 1)
    family += [
        Scenario("one-week +100% spike in week 4", (*flat[:3], 2.0, *flat[4:])),
        Scenario("level -30% from week 1, markdown without lift", weak, lift_response=0.0),
        Scenario("level -30% from week 1, markdown with twice the lift", weak, lift_response=2.0),
        Scenario("the largest store closes from week 5", flat, closed_store_from=5),
    ]
    return tuple(family)


def scenario_demand(
    curve: Sequence[float],
    shares: Mapping[str, float],
    scenario: Scenario,
    *,
    seed: int,
) -> dict[str, list[int]]:
    """Full-price store demand (store -> units per week) of `scenario` around the plan's
    `curve` split by `shares`."""
    stores = sorted(shares)
    planned = np.array([shares[s] for s in stores], dtype=float)
    weekly = np.asarray(curve, dtype=float) * np.asarray(scenario.multipliers, dtype=float)
    rng = np.random.default_rng(seed)
    means = np.outer(planned, weekly) * np.exp(
        rng.normal(0.0, STORE_WEEK_NOISE, (len(stores), len(weekly)))
    )
    if scenario.closed_store_from is not None:
        means[int(np.argmax(planned)), scenario.closed_store_from - 1 :] = 0.0
    units = rng.poisson(means)
    return {store: [int(u) for u in row] for store, row in zip(stores, units, strict=True)}
