"""The in-season loop: `run_week` on small hand-checked seasons, properties on random ones,
and the generated scenarios replayed as demand."""

import dataclasses
import datetime as dt
import itertools
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.ledger import store_week
from allocation.engine.types import ShipmentLine
from forecasting.engine.risk import SeasonShock
from forecasting.engine.types import ForecastWeek, Season
from markdowns.engine.markdown import MarkdownFact
from planner.engine.evaluation import replay_scenario, season_setup
from planner.engine.preseason import (
    CategoryInput,
    PreseasonSettings,
    plan_categories,
    plan_preseason,
)
from planner.engine.sample_inputs import category_inputs, scenario_actuals
from planner.engine.season import (
    DEFAULT_STORE_SPREAD,
    SHARE_PRIOR_WEEKS,
    SeasonPolicy,
    SeasonSetup,
    SeasonState,
    WeekInput,
    grade,
    learned_shares,
    level_week,
    markdown_checkpoint,
    propose,
    receive,
    run_week,
    run_weeks,
    season_start,
    store_deviations,
    store_evidence,
    store_spread,
    week_shares,
)

SEASON = Season(dt.date(2025, 2, 17), 12)
# The product's plan on a new database: the default season-shock prior.
PRESEASON = PreseasonSettings(
    season=SEASON,
    strategy="weekly",
    dc_holdback_pct=0.45,
    safety_stock_pct=0.20,
    k=3,
    season_shock=SeasonShock(0.20, "prior"),
)
POLICY = SeasonPolicy(
    horizon_weeks=12,
    strategy="weekly",
    safety_stock_pct=0.20,
    variance_threshold=0.20,
    elasticity=2.0,
    markdown_cap=0.40,
    lift_per_point=1.5,
    markdown_checkpoint_week=6,
    markdown_threshold=0.60,
)


def _setup(weeks: int = 12, per_week: float = 100.0, dc: int = 400) -> SeasonSetup:
    base = tuple(
        ForecastWeek(n, SEASON.week_start(n), per_week, per_week * 0.9, per_week * 1.1, 0, 1e9)
        for n in range(1, weeks + 1)
    )
    return SeasonSetup(
        base_weeks=base,
        prior_sd=0.01,
        noise_sd=0.03,
        shares={"S1": 0.5, "S2": 0.5},
        initial_units={"S1": 150, "S2": 150},
        dc_units=dc,
    )


def _check_ledger(state: SeasonState) -> None:
    """Every store and the DC: initial + received = sold + on hand (+ flagged excess)."""
    setup = state.setup
    for store in setup.shares:
        entries = [e for e in state.ledger if e.store_id == store]
        received = sum(e.received for e in entries)
        sold = sum(e.sold for e in entries)
        excess = sum(e.excess for e in entries)
        assert received + excess == sold + state.on_hand[store]
        for entry in entries:
            assert entry.opening + entry.received + entry.excess == entry.sold + entry.closing
            assert entry.closing >= 0
    assert state.dc_on_hand + state.shipped_from_dc == setup.dc_units
    assert state.received_by_stores == sum(setup.initial_units.values()) + state.shipped_from_dc
    assert state.units_sold <= state.received_by_stores + state.excess_units


def test_demand_beyond_stock_is_lost_not_sold() -> None:
    policy = dataclasses.replace(POLICY, strategy="none")
    outcome = run_week(season_start(_setup()), WeekInput(1, demand={"S1": 200, "S2": 50}), policy)

    s1, s2 = outcome.store_weeks
    assert (s1.sold, s1.lost, s1.closing, s1.stockout) == (150, 50, 0, True)
    assert (s2.sold, s2.lost, s2.closing, s2.stockout) == (50, 0, 100, False)
    assert outcome.lost_units == 50


def test_sales_beyond_recorded_stock_are_counted_and_flagged() -> None:
    policy = dataclasses.replace(POLICY, strategy="none")
    outcome = run_week(season_start(_setup()), WeekInput(1, sales={"S1": 187, "S2": 20}), policy)

    assert outcome.store_weeks[0].excess == 37
    assert outcome.flags == ("S1 sold 37 more than it held in week 1 — check receipts",)
    _check_ledger(outcome.state)


def test_a_proposal_not_approved_is_superseded_and_holds_no_stock() -> None:
    state = season_start(_setup())
    first = run_week(state, WeekInput(1, sales={"S1": 140, "S2": 140}), POLICY)
    assert first.proposal is not None and first.proposal.shipped_units > 0

    second = run_week(first.state, WeekInput(2, sales={"S1": 5, "S2": 5}, arrivals=()), POLICY)

    assert [line.units for line in second.superseded] == [
        line.units for line in first.proposal.lines if line.units
    ]
    assert second.state.dc_on_hand == 400
    assert second.state.received_by_stores == 300


def test_an_approved_proposal_arrives_and_leaves_the_dc() -> None:
    first = run_week(season_start(_setup()), WeekInput(1, sales={"S1": 140, "S2": 140}), POLICY)
    arrivals = tuple(line for line in first.proposal.lines if line.units)

    second = run_week(
        first.state, WeekInput(2, sales={"S1": 5, "S2": 5}, arrivals=arrivals), POLICY
    )

    shipped = sum(line.units for line in arrivals)
    assert second.state.dc_on_hand == 400 - shipped
    assert second.store_weeks[0].received == arrivals[0].units
    _check_ledger(second.state)


def test_approved_shipments_beyond_the_dc_are_refused() -> None:
    first = run_week(season_start(_setup(dc=10)), WeekInput(1, sales={"S1": 1, "S2": 1}), POLICY)
    too_many = (ShipmentLine("S1", 50, 50, False, 0.0),)

    with pytest.raises(ValueError, match="approved from the DC"):
        run_week(first.state, WeekInput(2, sales={}, arrivals=too_many), POLICY)


def test_each_week_is_graded_against_its_plan_of_record() -> None:
    outcomes = run_weeks(
        season_start(_setup()),
        [WeekInput(w, sales={"S1": 35, "S2": 35}, arrivals=()) for w in range(1, 6)],
        POLICY,
    )

    plans = [o.plan_of_record for o in outcomes]
    assert plans[0] == 100
    assert plans == sorted(plans, reverse=True)  # each week's plan already knew the last ones
    for outcome in outcomes:
        assert outcome.variance.weekly_variance == pytest.approx(70 / outcome.plan_of_record - 1)


def test_the_plan_follows_a_steady_shortfall_every_week_without_a_cap() -> None:
    setup = dataclasses.replace(_setup(per_week=1000, dc=0), initial_units={"S1": 9000, "S2": 9000})
    outcomes = run_weeks(
        season_start(setup),
        [WeekInput(w, demand={"S1": 350, "S2": 350}) for w in range(1, 11)],
        dataclasses.replace(POLICY, markdown_checkpoint_week=None),
    )

    factors = [o.state.level.adjustment_factor for o in outcomes]
    assert factors[3] == pytest.approx(0.7, rel=0.10)
    assert all(later <= earlier + 1e-9 for earlier, later in itertools.pairwise(factors))
    assert sum(o.revision for o in outcomes) >= 1


def test_stockouts_are_not_read_as_weak_demand() -> None:
    # Demand runs at plan, but stores hold only half of it and nothing is replenished.
    setup = dataclasses.replace(_setup(per_week=100, dc=0), initial_units={"S1": 100, "S2": 100})
    policy = dataclasses.replace(POLICY, strategy="none", markdown_checkpoint_week=None)
    outcomes = run_weeks(
        season_start(setup),
        [WeekInput(w, demand={"S1": 50, "S2": 50}) for w in range(1, 5)],
        policy,
    )

    assert outcomes[-1].state.units_sold == 200 and outcomes[-1].lost_units == 100
    assert outcomes[-1].state.level.adjustment_factor >= 0.99


def test_a_decided_markdown_lifts_the_plan_once() -> None:
    fact = MarkdownFact(6, 0.20, 0.30, 2.0)
    weeks = [WeekInput(w, sales={"S1": 10, "S2": 10}, arrivals=()) for w in range(1, 7)]
    weeks[-1] = dataclasses.replace(weeks[-1], markdown=fact)

    outcome = run_weeks(season_start(_setup()), weeks, POLICY)[-1]

    assert outcome.markdown is not None and outcome.markdown_decided == fact
    assert outcome.state.lifts == ((7, 0.30),)
    level = outcome.state.level.adjustment_factor
    assert outcome.state.plan[6].units == pytest.approx(100 * level * 1.30)


def test_without_a_decision_the_markdown_waits_and_the_plan_is_not_lifted() -> None:
    weeks = [WeekInput(w, sales={"S1": 10, "S2": 10}, arrivals=()) for w in range(1, 7)]

    outcome = run_weeks(season_start(_setup()), weeks, POLICY)[-1]

    assert outcome.markdown_pending and outcome.markdown.markdown_pct > 0
    assert outcome.state.lifts == ()


def test_the_report_comes_with_the_last_week_only() -> None:
    policy = dataclasses.replace(POLICY, horizon_weeks=4, markdown_checkpoint_week=None)
    outcomes = run_weeks(
        season_start(_setup(weeks=4)),
        [WeekInput(w, demand={"S1": 80, "S2": 80}, arrivals=()) for w in range(1, 5)],
        policy,
    )

    assert [o.report is None for o in outcomes] == [True, True, True, False]
    report = outcomes[-1].report
    assert report.units_sold == outcomes[-1].state.units_sold
    assert report.sell_through_received <= 1.0


demand = st.integers(min_value=0, max_value=400)


@settings(max_examples=60, deadline=None)
@given(
    weeks=st.lists(
        st.tuples(demand, demand, st.booleans(), st.booleans()), min_size=1, max_size=12
    ),
    strategy=st.sampled_from(["weekly", "bi-weekly", "none"]),
    dc=st.integers(min_value=0, max_value=2000),
)
def test_the_ledger_conserves_units_every_week(weeks, strategy, dc) -> None:
    """Random seasons: demand or reported sales, proposals approved or left to supersede."""
    policy = dataclasses.replace(POLICY, strategy=strategy)
    state = season_start(_setup(dc=dc))
    for number, (a, b, as_sales, approve) in enumerate(weeks, start=1):
        proposal = state.proposal
        arrivals = (
            tuple(line for line in (*proposal.lines, *proposal.transfers) if line.units)
            if proposal and approve
            else ()
        )
        units = {"S1": a, "S2": b}
        week = WeekInput(
            number,
            sales=units if as_sales else None,
            demand=None if as_sales else units,
            arrivals=arrivals,
        )
        outcome = run_week(state, week, policy)
        state = outcome.state
        _check_ledger(state)
        # A superseded proposal holds nothing: the DC lost only what was approved.
        assert state.shipped_from_dc == sum(e.received for e in state.ledger if e.week_number > 1)
        if not approve and proposal:
            assert outcome.superseded or not proposal.shipped_units


# --- the generated scenarios, replayed as demand ------------------------------------------


@pytest.fixture(scope="module")
def dresses_plan(sample_dir: Path):
    daily, stores = category_inputs(sample_dir, "Women's Dresses", season=PRESEASON.season)
    return plan_preseason(daily_units=daily, stores=stores, settings=PRESEASON)


def _replay(plan, sample_dir: Path, scenario: str, policy: SeasonPolicy = POLICY):
    demand = scenario_actuals(sample_dir, "womens-dresses", scenario)
    return replay_scenario(season_setup(plan), policy, demand)


def test_preseason_plan_is_consistent(dresses_plan) -> None:
    allocation = dresses_plan.allocation
    assert allocation.manufacturing_qty == pytest.approx(
        dresses_plan.forecast.total_units * 1.2, abs=1
    )
    # 58,730 x 0.45 = 26,428.5: half up, not Python's round-half-even.
    assert allocation.dc_holdback_units == math.floor(allocation.manufacturing_qty * 0.45 + 0.5)
    assert {line.cluster for line in allocation.clusters} == {
        "fashion_forward",
        "mainstream",
        "value_conscious",
    }


def test_high_demand_is_served_from_stock_and_the_dc_empties(dresses_plan, sample_dir) -> None:
    replay = _replay(dresses_plan, sample_dir, "high_demand")
    state = replay.final.state
    report = replay.final.report

    assert report.sell_through_received <= 1.0 and report.excess_units == 0
    assert state.lost_units > 0
    assert state.dc_on_hand <= 0.10 * state.setup.dc_units
    assert state.level.adjustment_factor == pytest.approx(1.25, rel=0.08)
    _check_ledger(state)


def test_the_normal_spike_moves_the_plan_by_at_most_a_third(dresses_plan, sample_dir) -> None:
    replay = _replay(dresses_plan, sample_dir, "normal")
    before, spike = replay.outcomes[3], replay.outcomes[4]

    assert spike.variance.weekly_variance > 0.2
    moved = spike.state.level.adjustment_factor / before.state.level.adjustment_factor - 1
    assert 0 < moved <= spike.variance.weekly_variance / 3
    assert replay.final.report.markdowns == ()


@pytest.mark.parametrize("scenario", ["low_demand", "steady_underperformance"])
def test_shortfalls_are_followed_within_12_percent_after_week_4(
    dresses_plan, sample_dir, scenario
) -> None:
    replay = _replay(dresses_plan, sample_dir, scenario)

    assert replay.rest_of_season_wape(4) < 0.12


def test_low_demand_gets_a_markdown(dresses_plan, sample_dir: Path) -> None:
    replay = _replay(dresses_plan, sample_dir, "low_demand")

    checkpoint = replay.outcomes[5]
    assert checkpoint.markdown is not None and checkpoint.markdown.sell_through < 0.60
    assert replay.final.report.markdowns == ((6, checkpoint.markdown.markdown_pct),)


def test_no_replenishment_strategy_ships_nothing(dresses_plan, sample_dir) -> None:
    replay = _replay(
        dresses_plan, sample_dir, "normal", dataclasses.replace(POLICY, strategy="none")
    )

    assert replay.final.state.dc_on_hand == dresses_plan.allocation.dc_holdback_units
    assert all(o.proposal is None for o in replay.outcomes)


def test_parallel_plans_equal_sequential_ones(sample_dir: Path) -> None:
    inputs = []
    for name in ("Men's Shirts", "Accessories"):
        daily, stores = category_inputs(sample_dir, name, season=PRESEASON.season)
        inputs.append(CategoryInput(name, daily, tuple(stores)))

    sequential = plan_categories(inputs, PRESEASON, workers=1)
    parallel = plan_categories(inputs, PRESEASON, workers=2)

    assert sequential.keys() == parallel.keys() == {"Men's Shirts", "Accessories"}
    for name in sequential:
        assert parallel[name].forecast.curve == sequential[name].forecast.curve
        assert parallel[name].allocation == sequential[name].allocation


def test_the_store_spread_is_each_stores_week_around_its_share_beyond_the_chains_miss() -> None:
    shares = {f"S{i}": 0.1 for i in range(10)}

    def spread(entries) -> float:
        return store_spread(*store_deviations(entries, 100.0, shares))

    # The chain sold 20 % above plan; each store by its share, so no spread beyond it...
    even = [
        store_week(store_id=s, week_number=1, opening=200, received=0, sales=12) for s in shares
    ]
    assert spread(even) < 0.01
    # ... and half the stores at 6, half at 18 around the same chain week: a wide spread.
    uneven = [
        store_week(store_id=s, week_number=1, opening=200, received=0, sales=6 if i % 2 else 18)
        for i, s in enumerate(shares)
    ]
    assert 0.4 < spread(uneven) < 0.7
    # Sold-out stores say nothing about their demand; too few store-weeks: the default.
    sold_out = [
        store_week(store_id=s, week_number=1, opening=6 if i < 6 else 200, received=0, sales=12)
        for i, s in enumerate(shares)
    ]
    assert store_deviations(sold_out, 100.0, shares)[1] == 4
    assert spread(sold_out) == DEFAULT_STORE_SPREAD


def test_a_short_chain_rations_the_dc_over_the_weeks_left_and_says_so() -> None:
    # 300 units at the stores and 100 at the DC for a season planned at 1,200.
    setup = _setup(dc=100)
    state = season_start(setup)

    outcome = run_week(state, WeekInput(1, demand={"S1": 140, "S2": 60}), POLICY)

    proposal = outcome.proposal
    assert proposal is not None and proposal.rationed
    # The DC's 100 units over the 11 weeks left: its part for week 2, not all of it.
    assert proposal.shipped_units <= math.ceil(100 / 11) + 1
    assert proposal.note.startswith("Rationed")


def test_a_chain_with_stock_to_spare_stocks_every_store_to_its_target() -> None:
    setup = _setup(dc=2000)

    outcome = run_week(season_start(setup), WeekInput(1, demand={"S1": 60, "S2": 60}), POLICY)

    assert outcome.proposal is not None and not outcome.proposal.rationed
    assert outcome.proposal.note == ""


def test_stockouts_in_a_rationed_week_are_not_counted_beside_dc_stock() -> None:
    setup = _setup(dc=100)
    policy = dataclasses.replace(POLICY, auto_approve_replenishment=True)
    state = run_week(season_start(setup), WeekInput(1, demand={"S1": 140, "S2": 60}), policy).state

    week2 = run_week(state, WeekInput(2, demand={"S1": 500, "S2": 500}), policy)

    assert week2.rationed and week2.stockouts == 2 and week2.state.dc_on_hand > 0
    assert week2.stockouts_beside_dc_stock == 0


def test_the_plan_follows_a_collapse_after_three_weeks() -> None:
    setup = _setup(dc=2000)
    weeks = [WeekInput(1, demand={"S1": 50, "S2": 50})] + [
        WeekInput(n, demand={"S1": 5, "S2": 5}) for n in (2, 3, 4)
    ]

    state = run_weeks(season_start(setup), weeks, POLICY)[-1].state

    assert state.plan[4].units == pytest.approx(10, rel=0.2)


def test_a_markdown_that_sold_nothing_more_leaves_the_plan_within_two_weeks() -> None:
    setup = _setup(dc=2000)
    markdown = MarkdownFact(6, 0.30, 0.45, 2.0)
    weeks = [WeekInput(n, demand={"S1": 50, "S2": 50}) for n in range(1, 9)]
    weeks[5] = dataclasses.replace(weeks[5], markdown=markdown)
    policy = dataclasses.replace(POLICY, auto_approve_replenishment=True)

    outcomes = run_weeks(season_start(setup), weeks, policy)

    assert outcomes[5].state.plan[6].units == pytest.approx(145, rel=0.05)  # the assumed lift
    assert outcomes[7].state.plan[8].units == pytest.approx(100, rel=0.05)  # as sold


def test_a_store_selling_above_its_planned_share_is_stocked_for_what_it_sells() -> None:
    shares = {"A": 0.2, "B": 0.8}
    # Four weeks where A sold half the chain's units.
    week = [
        store_week(store_id="A", week_number=1, opening=500, received=0, sales=50),
        store_week(store_id="B", week_number=1, opening=500, received=0, sales=50),
    ]
    sums = {s: 4 * v for s, v in week_shares(week, 100.0, shares).items()}

    learned = learned_shares(shares, sums, 4)

    prior = SHARE_PRIOR_WEEKS
    assert learned["A"] == pytest.approx((prior * 0.2 + 4 * 0.5) / (prior + 4))
    assert sum(learned.values()) == pytest.approx(1.0)


def test_a_sold_out_store_counts_at_least_its_planned_share_of_the_week() -> None:
    week = [
        store_week(store_id="A", week_number=1, opening=10, received=0, sales=10),
        store_week(store_id="B", week_number=1, opening=500, received=0, sales=80),
    ]

    assert week_shares(week, 100.0, {"A": 0.2, "B": 0.8}) == {"A": 0.2, "B": 0.8}


def test_a_store_that_sold_out_is_sent_at_least_what_it_sold() -> None:
    setup = dataclasses.replace(
        _setup(dc=5000), shares={"S1": 0.1, "S2": 0.9}, initial_units={"S1": 50, "S2": 500}
    )

    # S1 wanted 300 (three times its share of the plan) and sold its 50.
    outcome = run_week(season_start(setup), WeekInput(1, demand={"S1": 300, "S2": 90}), POLICY)

    line = next(line for line in outcome.proposal.lines if line.store_id == "S1")
    assert line.units >= 50


def test_the_report_tells_starved_stores_from_a_chain_that_ran_out() -> None:
    demand = {"S1": 120, "S2": 120}
    # Proposals never approved: stores sell out while the DC holds 2,000 units.
    unapproved = run_weeks(
        season_start(_setup(dc=2000)), [WeekInput(n, demand=demand) for n in range(1, 13)], POLICY
    )[-1].report
    # No DC at all: the same stockouts are the order's.
    no_dc = run_weeks(
        season_start(_setup(dc=0)), [WeekInput(n, demand=demand) for n in range(1, 13)], POLICY
    )[-1].report

    assert unapproved.causes.starved_store_weeks == unapproved.stockout_store_weeks > 0
    assert unapproved.causes.starved_units == unapproved.lost_units
    assert unapproved.advice[0].startswith("Replenishment, not the order")
    assert no_dc.causes.chain_out_store_weeks == no_dc.stockout_store_weeks > 0
    assert no_dc.causes.chain_out_units == no_dc.lost_units
    assert no_dc.advice[0].startswith("The chain ran out")


# Each step of a week alone (`run_week` composes them in this order).


def _after(weeks: int, sold: int = 100, policy: SeasonPolicy = POLICY) -> SeasonState:
    state = season_start(_setup())
    for number in range(1, weeks + 1):
        state = run_week(
            state, WeekInput(number, demand={"S1": sold // 2, "S2": sold // 2}), policy
        ).state
    return state


def test_receive_brings_the_initial_allocation_in_week_1_and_serves_demand_from_stock() -> None:
    received = receive(season_start(_setup()), WeekInput(1, demand={"S1": 200, "S2": 50}), POLICY)

    assert [(e.store_id, e.received, e.sold, e.lost) for e in received.entries] == [
        ("S1", 150, 150, 50),
        ("S2", 150, 50, 0),
    ]
    assert (received.sold, received.dc_shipped, received.received_by_stores) == (200, 0, 300)
    assert received.arriving == () and not received.rationed


def test_grade_reads_the_week_against_its_plan_of_record_and_takes_a_revision_asked_for() -> None:
    state = _after(2)
    asked = grade(state, WeekInput(3, revision_reason="new competitor"), 100, POLICY)
    quiet = grade(state, WeekInput(3), 100, POLICY)

    assert asked.plan_of_record == pytest.approx(state.plan[2].units)
    assert asked.sold_by_week == (100, 100, 100)
    assert asked.revision and asked.revision_reason == "re-forecast asked for: new competitor"
    assert not quiet.revision and quiet.revision_reason.startswith("no revision")


def test_level_week_follows_a_shortfall_but_reads_a_sold_out_store_as_at_least_its_share() -> None:
    state = season_start(_setup())
    short = receive(state, WeekInput(1, demand={"S1": 35, "S2": 35}), POLICY)
    sold_out = receive(state, WeekInput(1, demand={"S1": 35, "S2": 500}), POLICY)

    fell = level_week(state, short.entries, (short.sold,))
    held = level_week(state, sold_out.entries, (sold_out.sold,))

    assert fell.level.adjustment_factor < 1.0
    assert fell.plan[1].units < state.plan[1].units
    # S2 sold out at 150: it counts as at least its 50 of the week's plan, not as weak demand.
    assert held.level.adjustment_factor > fell.level.adjustment_factor
    assert len(held.observations) == 1


def test_markdown_checkpoint_passes_other_weeks_asks_for_a_decision_and_lifts_once_decided() -> (
    None
):
    state = _after(5, sold=20)
    received = receive(state, WeekInput(6, demand={"S1": 10, "S2": 10}), POLICY)
    levelled = level_week(state, received.entries, (*state.sold_by_week, received.sold))
    week_five = receive(_after(4, sold=20), WeekInput(5, demand={"S1": 10, "S2": 10}), POLICY)

    other = markdown_checkpoint(_after(4, sold=20), WeekInput(5), POLICY, week_five, levelled)
    waiting = markdown_checkpoint(state, WeekInput(6), POLICY, received, levelled)
    fact = MarkdownFact(6, 0.20, 0.30, 2.0)
    decided = markdown_checkpoint(state, WeekInput(6, markdown=fact), POLICY, received, levelled)

    assert other.recommendation is None and other.plan == levelled.plan
    assert waiting.recommendation is not None and waiting.recommendation.markdown_pct > 0
    assert waiting.decided is None and waiting.plan == levelled.plan and waiting.lifts == ()
    assert decided.decided == fact and decided.markdowns == (fact,)
    assert decided.lifts == ((7, 0.30),)
    assert decided.plan[6].units == pytest.approx(levelled.plan[6].units * 1.30)
    assert decided.plan[5].units == pytest.approx(levelled.plan[5].units)


def test_store_evidence_adds_the_weeks_shares_to_the_seasons() -> None:
    state = season_start(_setup())
    received = receive(state, WeekInput(1, demand={"S1": 75, "S2": 25}), POLICY)

    first = store_evidence(state, received.entries, 100.0)

    assert first.weeks_shared == 1
    assert first.share_sums["S1"] > first.share_sums["S2"]
    assert first.deviations == 2 and first.deviation_ss > 0


def test_propose_stocks_the_next_period_on_the_cadence_and_nothing_else() -> None:
    state = season_start(_setup())
    received = receive(state, WeekInput(1, demand={"S1": 140, "S2": 140}), POLICY)
    levelled = level_week(state, received.entries, (received.sold,))
    stores = store_evidence(state, received.entries, 100.0)
    common = {
        "state": state,
        "week_number": 1,
        "entries": received.entries,
        "plan": levelled.plan,
        "level": levelled.level,
        "stores": stores,
    }

    weekly = propose(policy=POLICY, dc_on_hand=400, **common)
    none = propose(policy=dataclasses.replace(POLICY, strategy="none"), dc_on_hand=400, **common)
    empty = propose(policy=POLICY, dc_on_hand=0, **common)

    assert weekly is not None and weekly.week_number == 2
    assert {line.store_id for line in weekly.lines if line.units} == {"S1", "S2"}
    assert none is None and empty is None
