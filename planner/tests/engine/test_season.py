"""Whole seasons replayed through the engine on the generated scenarios."""

import datetime as dt
import math
from pathlib import Path

import pytest

from forecasting.engine.types import Season
from planner.engine.sample_inputs import category_inputs, scenario_actuals
from planner.engine.season import SeasonSettings, plan_preseason, replay_season

SETTINGS = SeasonSettings(
    season=Season(dt.date(2025, 2, 17), 12),
    strategy="weekly",
    dc_holdback_pct=0.45,
    markdown_checkpoint_week=6,
    markdown_threshold=0.60,
)


@pytest.fixture(scope="module")
def dresses_plan(sample_dir: Path):
    daily, stores = category_inputs(sample_dir, "Women's Dresses")
    return plan_preseason(daily_units=daily, stores=stores, settings=SETTINGS)


def _replay(plan, sample_dir: Path, scenario: str, settings: SeasonSettings = SETTINGS):
    actuals = scenario_actuals(sample_dir, "womens-dresses", scenario)
    return replay_season(plan=plan, settings=settings, store_actuals=actuals)


def test_preseason_plan_is_consistent(dresses_plan) -> None:
    allocation = dresses_plan.allocation
    assert allocation.manufacturing_qty == pytest.approx(
        dresses_plan.forecast.total_units * 1.2, abs=1
    )
    # 58,730 x 0.45 = 26,428.5: half up (SPEC), not Python's round-half-even.
    assert allocation.dc_holdback_units == math.floor(allocation.manufacturing_qty * 0.45 + 0.5)
    assert dresses_plan.clustering.k == 3
    assert {line.cluster for line in allocation.clusters} == {
        "fashion_forward",
        "mainstream",
        "value_conscious",
    }


def test_normal_season_needs_no_reforecast_or_markdown(dresses_plan, sample_dir: Path) -> None:
    replay = _replay(dresses_plan, sample_dir, "normal")

    assert replay.report.reforecast_weeks == ()
    assert replay.report.markdowns == ()
    assert replay.weeks[4].variance.weekly_variance > 0.2  # the week-5 spike
    assert replay.report.original.wape < 0.08


def test_high_demand_triggers_a_reforecast_upward(dresses_plan, sample_dir: Path) -> None:
    replay = _replay(dresses_plan, sample_dir, "high_demand")

    (week,) = [log for log in replay.weeks if log.level is not None]
    assert week.variance.reforecast and week.variance.cumulative_variance > 0.2
    assert week.level.adjustment_factor == pytest.approx(1.25, rel=0.08)
    assert replay.report.in_season.wape < replay.report.original.wape


def test_low_demand_gets_a_markdown_recommendation(dresses_plan, sample_dir: Path) -> None:
    replay = _replay(dresses_plan, sample_dir, "low_demand")

    checkpoint = replay.weeks[5].markdown
    assert checkpoint is not None
    assert checkpoint.sell_through < 0.60
    assert checkpoint.markdown_pct > 0
    assert replay.report.markdowns == ((6, checkpoint.markdown_pct),)


def test_severe_underperformance_rest_of_season_error_after_reforecast_is_under_25_percent(
    dresses_plan, sample_dir: Path
) -> None:
    replay = _replay(dresses_plan, sample_dir, "severe_underperformance")

    errors = [log.rest_of_season_wape for log in replay.weeks if log.level is not None]
    assert errors and all(error < 0.25 for error in errors)


def test_units_are_conserved_through_the_season(dresses_plan, sample_dir: Path) -> None:
    replay = _replay(dresses_plan, sample_dir, "high_demand")
    report = replay.report
    shipped = sum(log.replenishment_units for log in replay.weeks)

    assert report.units_received_by_stores == dresses_plan.allocation.store_initial_units + shipped
    assert report.leftover_dc_units == dresses_plan.allocation.dc_holdback_units - shipped
    assert report.leftover_dc_units >= 0


def test_no_replenishment_strategy_ships_nothing_after_week_1(dresses_plan, sample_dir) -> None:
    settings = SeasonSettings(season=SETTINGS.season, strategy="none", dc_holdback_pct=0.45)

    replay = _replay(dresses_plan, sample_dir, "normal", settings)

    assert all(log.replenishment_units == 0 for log in replay.weeks)


def test_parallel_plans_equal_sequential_ones(sample_dir: Path) -> None:
    from planner.engine.season import CategoryInput, plan_categories

    inputs = []
    for name in ("Men's Shirts", "Accessories"):
        daily, stores = category_inputs(sample_dir, name)
        inputs.append(CategoryInput(name, daily, tuple(stores)))

    sequential = plan_categories(inputs, SETTINGS, workers=1)
    parallel = plan_categories(inputs, SETTINGS, workers=2)

    assert sequential.keys() == parallel.keys() == {"Men's Shirts", "Accessories"}
    for name in sequential:
        assert parallel[name].forecast.curve == sequential[name].forecast.curve
        assert parallel[name].allocation == sequential[name].allocation


def test_large_chain_generator_shape() -> None:
    from planner.sample_data import generate_chain

    chain = generate_chain(stores=200, categories=5)

    assert len(chain.stores) == 200
    assert chain.stores["fashion_tier"].value_counts().to_dict() == {
        "Mainstream": 80,
        "Premium": 60,
        "Value": 60,
    }
    assert len(chain.daily_units) == 5
    assert all(len(days) == 1096 for days in chain.daily_units.values())
    assert all(len(units) == 200 for units in chain.store_units.values())
