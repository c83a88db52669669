"""Replays of the generated scenarios and holdout seasons on history, for `evaluate_engine`.

No Django imports.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from forecasting.engine.ensemble import forecast_category, seasonal_naive_season
from forecasting.engine.members import MEMBERS
from forecasting.engine.metrics import wape
from forecasting.engine.series import weekly_series
from forecasting.engine.types import Season
from planner.data.sample_data import SCENARIO_LIFT_RESPONSE, SCENARIOS
from planner.engine.preseason import PreseasonPlan, PreseasonSettings, plan_preseason
from planner.engine.report import Accuracy, accuracy
from planner.engine.sample_inputs import category_inputs, scenario_actuals
from planner.engine.season import (
    SeasonPolicy,
    SeasonSetup,
    WeekOutcome,
    auto_approved,
    replay_demand,
)

FORECASTERS = ("ensemble", *MEMBERS, "seasonal_naive")


def season_setup(plan: PreseasonPlan) -> SeasonSetup:
    """The in-season starting point of a pre-season plan whose order was accepted as is."""
    return SeasonSetup(
        base_weeks=plan.forecast.weeks,
        prior_sd=plan.forecast.level_sd,
        noise_sd=plan.forecast.noise_sd,
        shares={line.store_id: line.season_share for line in plan.allocation.stores},
        initial_units={line.store_id: line.initial_units for line in plan.allocation.stores},
        dc_units=plan.allocation.dc_holdback_units,
    )


@dataclass(frozen=True)
class ScenarioReplay:
    """One scenario served from stock under one policy, every proposal approved as made."""

    outcomes: tuple[WeekOutcome, ...]
    full_price_demand: tuple[int, ...]  # the scenario file's chain units per week
    seconds: float
    lift_response: float = 1.0  # customers' answer to a markdown, against the expected lift

    @property
    def final(self) -> WeekOutcome:
        return self.outcomes[-1]

    @property
    def demand(self) -> int:
        """What customers wanted, markdown response included: sold + lost."""
        return sum(o.units_sold + o.lost_units for o in self.outcomes)

    def rest_of_season_wape(self, week: int) -> float | None:
        """WAPE of the plan in force after `week`'s update on the weeks still to come, against
        demand at the prices that plan knew of, as customers answered them (a markdown decided
        later lifts demand no plan could foresee); None when fewer than two weeks remain."""
        if week > len(self.full_price_demand) - 2:
            return None
        state = self.outcomes[week - 1].state
        demand = [
            units
            * math.prod(
                1 + lift * self.lift_response for start, lift in state.lifts if number >= start
            )
            for number, units in enumerate(self.full_price_demand, start=1)
        ]
        return wape(demand[week:], [w.units for w in state.plan[week:]])


def replay_scenario(
    setup: SeasonSetup,
    policy: SeasonPolicy,
    demand: dict[str, list[int]],
    *,
    lift_response: float = 1.0,
) -> ScenarioReplay:
    started = time.perf_counter()
    outcomes = replay_demand(setup, auto_approved(policy), demand, lift_response=lift_response)
    return ScenarioReplay(
        outcomes=tuple(outcomes),
        full_price_demand=tuple(
            sum(units[w] for units in demand.values()) for w in range(policy.horizon_weeks)
        ),
        seconds=time.perf_counter() - started,
        lift_response=lift_response,
    )


@dataclass(frozen=True)
class ScenarioResult:
    scenario: str
    preseason: dict[str, Accuracy]  # forecaster -> accuracy against the scenario's demand
    replays: dict[str, ScenarioReplay]  # policy name -> replay


@dataclass(frozen=True)
class CategoryEvaluation:
    category: str
    plan: PreseasonPlan
    naive: tuple[float, ...]
    scenarios: tuple[ScenarioResult, ...]


def evaluate_category(
    directory: Path,
    category: str,
    slug: str,
    settings: PreseasonSettings,
    policies: dict[str, SeasonPolicy],
) -> CategoryEvaluation:
    """Forecasts the season from history only, allocates, then replays every scenario under
    each policy, customers answering a markdown as the scenario says
    (`SCENARIO_LIFT_RESPONSE`)."""
    daily, stores = category_inputs(directory, category, season=settings.season)
    plan = plan_preseason(
        daily_units=daily, stores=stores, settings=settings, category_name=category
    )
    naive = tuple(float(v) for v in seasonal_naive_season(daily, settings.season))
    curves = {
        "ensemble": plan.forecast.curve,
        **{name: tuple(w.members.get(name, 0.0) for w in plan.forecast.weeks) for name in MEMBERS},
        "seasonal_naive": naive,
    }
    setup = season_setup(plan)
    results = []
    for scenario in SCENARIOS:
        demand = scenario_actuals(directory, slug, scenario)
        totals = [sum(units[w] for units in demand.values()) for w in range(settings.season.weeks)]
        results.append(
            ScenarioResult(
                scenario=scenario,
                preseason={name: accuracy(totals, curve) for name, curve in curves.items()},
                replays={
                    name: replay_scenario(
                        setup, policy, demand, lift_response=SCENARIO_LIFT_RESPONSE[scenario]
                    )
                    for name, policy in policies.items()
                },
            )
        )
    return CategoryEvaluation(category, plan, naive, tuple(results))


@dataclass(frozen=True)
class HoldoutSeason:
    category: str
    start: dt.date
    wape: dict[str, float]  # forecaster -> WAPE against what history shows (members that ran)


def holdout_seasons(
    daily: Mapping[dt.date, float], category: str, starts: Sequence[dt.date], weeks: int = 12
) -> list[HoldoutSeason]:
    """Forecasts seasons that lie inside the history from the data before each, and scores
    every forecaster against what was actually sold."""
    results = []
    for start in starts:
        season = Season(start, weeks)
        # The season's own weeks, bucketed as history before a season that starts right after.
        after_season = season.end + dt.timedelta(days=1)
        truth = weekly_series(daily, season_start=after_season).units[-weeks:]
        forecast = forecast_category(daily, season, category_name=category)
        curves = {
            "ensemble": forecast.curve,
            **{name: [w.members[name] for w in forecast.weeks] for name in forecast.weights},
            "seasonal_naive": seasonal_naive_season(daily, season).tolist(),
        }
        results.append(
            HoldoutSeason(
                category,
                start,
                {name: accuracy(truth, curve).wape for name, curve in curves.items()},
            )
        )
    return results
