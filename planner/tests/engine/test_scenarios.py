"""The scenario family around a plan (planner.engine.scenarios), replayed through run_week."""

from pathlib import Path

import numpy as np
import pytest

from planner.engine.evaluation import replay_scenario, season_setup
from planner.engine.preseason import plan_preseason
from planner.engine.sample_inputs import category_inputs
from planner.engine.scenarios import scenario_demand, scenario_family
from planner.tests.engine.test_season import POLICY, PRESEASON, SEASON

FAMILY = {scenario.name: scenario for scenario in scenario_family(12)}


@pytest.fixture(scope="module")
def shirts(sample_dir: Path):
    daily, stores = category_inputs(sample_dir, "Men's Shirts", season=SEASON)
    plan = plan_preseason(daily_units=daily, stores=stores, settings=PRESEASON)
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    return plan, shares


def test_the_family_spans_breaks_drift_a_spike_markdown_answers_and_a_closing() -> None:
    breaks = {
        round(s.multipliers[-1] - 1, 2)
        for name, s in FAMILY.items()
        if name.startswith("level") and "markdown" not in name
    }
    assert min(breaks) == -0.9 and max(breaks) == 0.6
    assert "level -90% from week 7" in FAMILY and "level +50% from week 7" in FAMILY
    assert FAMILY["level -90% from week 7"].multipliers[5:7] == pytest.approx((1.0, 0.1))
    assert FAMILY["drift to -50% by week 12"].multipliers[-1] == pytest.approx(0.5)
    assert FAMILY["one-week +100% spike in week 4"].multipliers[2:5] == (1.0, 2.0, 1.0)
    assert FAMILY["level -30% from week 1, markdown without lift"].lift_response == 0.0
    assert FAMILY["level -30% from week 1, markdown with twice the lift"].lift_response == 2.0
    assert FAMILY["the largest store closes from week 5"].closed_store_from == 5


def test_demand_follows_the_plan_times_the_scenario_and_the_seed_repeats(shirts) -> None:
    plan, shares = shirts
    scenario = FAMILY["level -60% from week 1"]

    demand = scenario_demand(plan.forecast.curve, shares, scenario, seed=4)

    assert demand == scenario_demand(plan.forecast.curve, shares, scenario, seed=4)
    assert demand != scenario_demand(plan.forecast.curve, shares, scenario, seed=5)
    weekly = np.sum(list(demand.values()), axis=0)
    assert weekly.sum() == pytest.approx(0.4 * plan.forecast.total_units, rel=0.03)


def test_the_closed_store_sells_nothing_after_it_closes(shirts) -> None:
    plan, shares = shirts
    largest = max(shares, key=shares.__getitem__)

    demand = scenario_demand(
        plan.forecast.curve, shares, FAMILY["the largest store closes from week 5"], seed=1
    )

    assert demand[largest][:4] != [0, 0, 0, 0] and demand[largest][4:] == [0] * 8


@pytest.mark.parametrize("name", sorted(FAMILY))
def test_every_scenario_replays_with_units_conserved(shirts, name) -> None:
    plan, shares = shirts
    scenario = FAMILY[name]
    demand = scenario_demand(plan.forecast.curve, shares, scenario, seed=7)
    setup = season_setup(plan)

    replay = replay_scenario(setup, POLICY, demand, lift_response=scenario.lift_response)

    state = replay.final.state
    leftover = sum(state.on_hand.values()) + state.dc_on_hand
    assert state.units_sold + leftover == setup.manufactured
    assert all(units >= 0 for units in state.on_hand.values())
    served = sum(o.units_sold + o.lost_units for o in replay.outcomes)
    full_price = sum(map(sum, demand.values()))
    if scenario.lift_response == 0.0:
        # Customers ignore the markdown: demand after it is the full-price demand.
        assert served == full_price
    else:
        # A markdown only adds demand.
        assert served >= full_price
