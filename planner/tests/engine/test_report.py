"""Season report figures and tuning advice."""

import pytest

from planner.engine.report import StockoutCauses, season_report


def _report(**overrides):
    values = dict(
        actual=[100.0] * 4,
        original_plan=[100.0] * 4,
        in_season_plan=[100.0] * 4,
        units_received_by_stores=500,
        manufactured=600,
        stockout_store_weeks=0,
        store_weeks=200,
        leftover_store_units=50,
        leftover_dc_units=10,
        dc_holdback_units=100,
        reforecast_weeks=[],
        markdowns=[],
    )
    values.update(overrides)
    return season_report(**values)


def test_sell_through_against_received_and_manufactured() -> None:
    report = _report()

    assert report.units_sold == 400
    assert report.sell_through_received == pytest.approx(0.8)
    assert report.sell_through_manufactured == pytest.approx(400 / 600)
    assert report.advice == (
        "No change suggested: stock, holdback and forecast were within bounds.",
    )


def test_accuracy_of_original_and_in_season_plans() -> None:
    report = _report(original_plan=[120.0] * 4, in_season_plan=[100.0, 100.0, 90.0, 110.0])

    assert report.original.bias == pytest.approx(0.2)
    assert report.original.wape == pytest.approx(0.2)
    assert report.in_season.wape == pytest.approx(0.05)
    assert report.in_season.weekly_error == pytest.approx((0.0, 0.0, -0.1, 0.1))


def test_advice_follows_the_rules() -> None:
    report = _report(
        stockout_store_weeks=20,
        leftover_dc_units=60,
        original_plan=[80.0] * 4,
        leftover_store_units=100,
    )

    assert report.advice == (
        "Lower the DC holdback: 60 of the 100 units held at the DC (60%) were never shipped.",
        "The pre-season forecast ran low by 20%: check for demand shifts the history does not "
        "show before trusting next season's plan.",
        "160 units (27% of the order) were left over: order less or plan an earlier markdown "
        "checkpoint.",
    )


def test_advice_names_each_cause_in_units_and_money() -> None:
    report = _report(
        stockout_store_weeks=12,
        leftover_store_units=100,
        leftover_dc_units=60,
        causes=StockoutCauses(
            starved_store_weeks=5,
            starved_units=40,
            chain_out_store_weeks=7,
            chain_out_units=90,
            estimated=False,
        ),
        unit_margin=25.0,
        leftover_loss=15.0,
    )

    assert report.starved_margin == pytest.approx(1000.0)
    assert report.chain_out_margin == pytest.approx(2250.0)
    assert report.leftover_cost == pytest.approx(2400.0)
    assert report.advice[:2] == (
        "Replenishment, not the order: 5 store-weeks sold out while the DC still held stock, "
        "40 units (1,000 of margin) lost. Approve the weekly proposals before their week, or "
        "stock stores deeper (a higher store service level).",
        "The chain ran out: 7 store-weeks sold out with the DC empty or rationing, 90 units "
        "(2,250 of margin) lost. Order more next season.",
    )
    assert report.advice[-1] == (
        "160 units (27% of the order) were left over, 2,400 at cost less salvage: order less "
        "or plan an earlier markdown checkpoint."
    )


def test_lost_units_from_sales_alone_are_called_estimates() -> None:
    report = _report(
        stockout_store_weeks=5,
        causes=StockoutCauses(5, 40, 0, 0, estimated=True),
    )

    assert report.advice[0].startswith(
        "Replenishment, not the order: 5 store-weeks sold out while the DC still held stock, "
        "about 40 units lost (at least their planned share)."
    )
