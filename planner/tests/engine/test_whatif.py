"""The what-if simulator."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from allocation.engine.shares import split_error as split_error_of
from planner.engine.evaluation import season_setup
from planner.engine.preseason import plan_preseason
from planner.engine.sample_inputs import category_inputs
from planner.engine.season import auto_approved, demand_at_prices, replay_demand
from planner.engine.whatif import (
    SHARE_CV,
    Comparison,
    PathResult,
    PolicyChoice,
    PolicyResult,
    beats_plan,
    comparison_table,
    demand_of_season,
    demand_paths,
    path_result,
    proposed_choice,
    push_choice,
    recommend,
    share_cv,
    simulate,
)
from planner.tests.engine.test_season import POLICY, PRESEASON, SEASON
from shared.economics import Economics

ECONOMICS = Economics(price=55.0, unit_cost=24.75, salvage_value=7.43)


@pytest.fixture(scope="module")
def dresses(sample_dir: Path):
    daily, stores = category_inputs(sample_dir, "Women's Dresses", season=SEASON)
    plan = plan_preseason(daily_units=daily, stores=stores, settings=PRESEASON)
    return plan, stores


def _season_shares(demand) -> dict[str, float]:
    totals = {store: sum(weeks) for store, weeks in demand.items()}
    whole = sum(totals.values())
    return {store: units / whole for store, units in totals.items()}


def _proposed(plan) -> PolicyChoice:
    return proposed_choice(
        plan.forecast,
        holdback_pct=0.45,
        strategy="weekly",
        safety_stock_pct=0.20,
        markdown_threshold=0.60,
    )


def _simulate(plan, stores, choice, demands, workers=1):
    return simulate(
        forecast=plan.forecast,
        stores=stores,
        assignments=plan.clustering.assignments,
        base_policy=POLICY,
        choice=choice,
        economics=ECONOMICS,
        demands=demands,
        workers=workers,
    )


def test_a_simulation_without_noise_is_the_deterministic_replay_of_the_plan(dresses) -> None:
    plan, stores = dresses
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    [demand] = demand_paths(plan.forecast, shares, paths=1, seed=0, noise=False)

    simulated = _simulate(plan, stores, _proposed(plan), [demand]).paths[0]

    replay = replay_demand(season_setup(plan), auto_approved(POLICY), demand)
    expected = path_result(replay, season_setup(plan), plan.allocation.manufacturing_qty, ECONOMICS)
    assert _proposed(plan).order_units == plan.allocation.manufacturing_qty
    assert simulated == expected


def test_units_are_conserved_on_every_path_and_the_seed_repeats(dresses) -> None:
    plan, stores = dresses
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    demands = demand_paths(plan.forecast, shares, paths=12, seed=7)
    choice = _proposed(plan)

    first = _simulate(plan, stores, choice, demands, workers=2)
    again = _simulate(plan, stores, choice, demand_paths(plan.forecast, shares, paths=12, seed=7))

    assert first == again
    for path in first.paths:
        assert path.units_sold + path.leftover_stores + path.leftover_dc == choice.order_units
    assert len({path.units_sold for path in first.paths}) > 1  # the paths differ


def test_the_push_baseline_is_the_plan_with_no_holdback_replenishment_or_markdown(
    dresses,
) -> None:
    plan, stores = dresses
    last_year = {s.store_id: 100.0 + i for i, s in enumerate(stores)}
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    demands = demand_paths(plan.forecast, shares, paths=6, seed=3)
    push = push_choice(plan.forecast, safety_stock_pct=0.20, last_year_units=last_year)
    stripped = dataclasses.replace(
        _proposed(plan),
        holdback_pct=0.0,
        strategy="none",
        markdown_threshold=None,
        store_units=last_year,
    )

    pushed = _simulate(plan, stores, push, demands)
    as_plan = _simulate(plan, stores, stripped, demands)

    assert pushed.paths == as_plan.paths
    assert all(p.shipped_from_dc == 0 and p.leftover_dc == 0 for p in pushed.paths)
    planned = _simulate(plan, stores, _proposed(plan), demands)
    assert planned.paths != pushed.paths


def test_the_weeks_that_happened_give_back_their_demand_where_no_store_sold_out(dresses) -> None:
    plan, _ = dresses
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    [demand] = demand_paths(plan.forecast, shares, paths=1, seed=11)
    outcomes = replay_demand(season_setup(plan), auto_approved(POLICY), demand)

    estimated = demand_of_season(outcomes[-1].state)

    entries = outcomes[-1].state.ledger
    assert any(entry.stockout for entry in entries)
    for entry in entries:
        week = entry.week_number - 1
        if entry.stockout:  # capped by stock: at least what sold, at least its planned share
            assert estimated[entry.store_id][week] >= entry.sold
        else:  # full-price demand: the markdown's lift taken back out
            full_price = {entry.store_id: demand[entry.store_id][week]}
            lifted = demand_at_prices(outcomes[-1].state.lifts, entry.week_number, full_price)
            assert entry.sold == lifted[entry.store_id]
            assert abs(estimated[entry.store_id][week] - demand[entry.store_id][week]) <= 1


def test_a_sold_out_store_week_counts_its_share_of_the_plan_in_force(dresses) -> None:
    plan, _ = dresses
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    heavy = {
        store: [5 * units for units in weeks]
        for store, weeks in demand_paths(plan.forecast, shares, paths=1, seed=0, noise=False)[
            0
        ].items()
    }
    policy = dataclasses.replace(auto_approved(POLICY), markdown_threshold=None)
    state = replay_demand(season_setup(plan), policy, heavy)[-1].state

    estimated = demand_of_season(state)

    sold_out = [e for e in state.ledger if e.stockout]
    assert sold_out
    for entry in sold_out:
        planned = state.plans_of_record[entry.week_number - 1] * shares[entry.store_id]
        assert estimated[entry.store_id][entry.week_number - 1] == round(max(entry.sold, planned))


@pytest.mark.parametrize("split_error", [0.005, 0.03])
def test_share_noise_reproduces_the_split_error_history_showed(dresses, split_error) -> None:
    # The share rule's backtest misallocated `split_error` of the units: drawn without count
    # noise, the simulated seasons misallocate about as much against the planned shares.
    plan, _ = dresses
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    cv = share_cv(split_error)
    drawn = [
        _season_shares(demand)
        for demand in demand_paths(
            plan.forecast, shares, paths=200, seed=5, share_cv=cv, counts=False
        )
    ]

    errors = [split_error_of(shares, actual) for actual in drawn]
    assert sum(errors) / len(errors) == pytest.approx(split_error, rel=0.1)


def test_without_a_share_backtest_the_spread_is_the_default() -> None:
    assert share_cv(None) == SHARE_CV


def test_simulated_season_demand_spans_the_season_interval(dresses) -> None:
    # One distribution everywhere: P10..P90 of the simulator's season totals (store shares
    # and counts drawn too) is the forecast's 80 % season interval, within sampling error.
    plan, _ = dresses
    forecast = plan.forecast  # with the default season-shock prior (PRESEASON)
    risk = forecast.risk
    assert risk.shock.sd == 0.2
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}

    totals = [
        sum(sum(weeks) for weeks in demand.values())
        for demand in demand_paths(forecast, shares, paths=2000, seed=9)
    ]

    low, high = risk.interval(0.8)
    assert np.quantile(totals, 0.1) == pytest.approx(forecast.total_units * low, rel=0.02)
    assert np.quantile(totals, 0.9) == pytest.approx(forecast.total_units * high, rel=0.02)


def test_the_table_gives_lost_sales_in_the_seasons_of_most_demand(dresses) -> None:
    plan, stores = dresses
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    forecast = plan.forecast  # with the default season-shock prior (PRESEASON)
    demands = demand_paths(forecast, shares, paths=30, seed=2)
    result = _simulate(plan, stores, _proposed(plan), demands)

    [row] = comparison_table(Comparison((result,), grid={}, paths=30, seed=2))

    by_demand = sorted(result.paths, key=lambda path: path.units_sold + path.lost_units)
    top = by_demand[-3:]  # a tenth of 30 paths
    high = row["metrics"]["lost_units_high_demand"]
    assert high["mean"] == pytest.approx(sum(p.lost_units for p in top) / 3)
    assert high["mean"] > row["metrics"]["lost_units"]["mean"] > 0


def test_the_recommendation_never_earns_less_than_the_plan_where_it_was_searched(dresses) -> None:
    plan, stores = dresses
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    forecast = plan.forecast  # with the default season-shock prior (PRESEASON)
    # On these paths the search once chose a policy with a worse bad season than the plan's.
    demands = demand_paths(forecast, shares, paths=8, seed=1)
    proposed = _proposed(plan)

    recommended, grid = recommend(
        forecast=forecast,
        stores=stores,
        assignments=plan.clustering.assignments,
        base_policy=POLICY,
        economics=ECONOMICS,
        demands=demands,
        template=proposed,
    )

    def run(choice):
        return _simulate(plan, stores, choice, demands).summary("gross_margin")

    assert len(grid) > 20
    assert run(recommended).mean >= run(proposed).mean
    assert run(recommended).p10 >= run(proposed).p10


def _paths(margins, lost=None) -> tuple[PathResult, ...]:
    lost = lost or [0] * len(margins)
    return tuple(
        PathResult(
            units_sold=1000,
            lost_units=units_lost,
            revenue=2 * margin,
            gross_margin=margin,
            leftover_stores=0,
            leftover_dc=0,
            sell_through=1.0,
            stockout_store_weeks=0,
            shipped_from_dc=0,
        )
        for margin, units_lost in zip(margins, lost, strict=True)
    )


def test_a_policy_beats_the_plan_only_beyond_the_paths_noise() -> None:
    choice = PolicyChoice("plan", 1000, 0.45, "weekly", 0.2, None)
    plan = PolicyResult(choice, _paths([100.0, 200.0, 300.0, 400.0, 500.0]))

    def candidate(margins, lost=None) -> PolicyResult:
        return PolicyResult(choice, _paths(margins, lost))

    # More margin on every path: better.
    assert beats_plan(candidate([110.0, 210.0, 310.0, 410.0, 510.0]), plan)
    # More margin on average and the same P10, but from one path: within the noise.
    assert not beats_plan(candidate([100.0, 200.0, 300.0, 390.0, 560.0]), plan)
    # More margin, but more sales lost.
    assert not beats_plan(candidate([110.0, 210.0, 310.0, 410.0, 510.0], [5, 5, 5, 5, 5]), plan)


def test_a_policy_that_loses_more_in_the_seasons_that_sell_most_does_not_beat_the_plan() -> None:
    choice = PolicyChoice("plan", 1000, 0.45, "weekly", 0.2, None)

    def result(margins, lost) -> PolicyResult:
        paths = _paths(margins, lost)
        # The last path is the season that sells most.
        top = dataclasses.replace(paths[-1], units_sold=2000)
        return PolicyResult(choice, (*paths[:-1], top))

    margins = [100.0 + 10 * i for i in range(20)]
    plan = result(margins, [5] * 19 + [0])
    # Fewer sales lost on average and more margin on every path, but 30 lost in the season
    # that sells most, where the plan lost none.
    candidate = result([m + 10 for m in margins], [0] * 19 + [30])

    assert not beats_plan(candidate, plan)
    assert beats_plan(result([m + 10 for m in margins], [0] * 20), plan)
