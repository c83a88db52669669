"""Store-weeks of the ledger and replenishment."""

import math

import pytest
from scipy.stats import gamma

from allocation.engine.ledger import store_week
from allocation.engine.replenishment import (
    cadence_weeks,
    order_up_to,
    period_weeks,
    plan_replenishment,
    rationed_targets,
)


def test_sales_beyond_stock_are_counted_as_excess_and_stock_stops_at_zero() -> None:
    week = store_week(store_id="S1", week_number=2, opening=6, received=0, sales=8)

    assert (week.sold, week.closing, week.excess, week.stockout) == (8, 0, 2, True)
    assert week.opening + week.received + week.excess == week.sold + week.closing
    assert week.flag == "S1 sold 2 more than it held in week 2 — check receipts"


def test_demand_is_served_from_stock_and_the_rest_is_lost() -> None:
    week = store_week(store_id="S1", week_number=1, opening=0, received=10, demand=14)

    assert (week.sold, week.closing, week.lost, week.excess, week.flag) == (10, 0, 4, 0, "")


def test_a_store_week_needs_sales_or_demand_not_both() -> None:
    with pytest.raises(ValueError, match="either sales or demand"):
        store_week(store_id="S1", week_number=1, opening=0, received=1)
    with pytest.raises(ValueError, match="either sales or demand"):
        store_week(store_id="S1", week_number=1, opening=0, received=1, sales=1, demand=1)


def test_cadence_weeks_by_strategy() -> None:
    assert cadence_weeks("weekly", 6) == [2, 3, 4, 5, 6]
    assert cadence_weeks("bi-weekly", 8) == [2, 4, 6, 8]
    assert cadence_weeks("none", 12) == []
    assert period_weeks("bi-weekly", 8, 8) == 1
    assert period_weeks("bi-weekly", 4, 8) == 2
    with pytest.raises(ValueError, match="unknown replenishment strategy"):
        cadence_weeks("monthly", 12)


def test_need_is_demand_with_safety_stock_minus_on_hand() -> None:
    plan = plan_replenishment(
        week_number=3,
        period=2,
        expected_demand={"A": 100.0, "B": 50.0},
        on_hand={"A": 30, "B": 80},
        dc_available=1000,
        safety_stock_pct=0.2,
    )

    assert [(x.store_id, x.requested_units, x.units, x.is_partial) for x in plan.lines] == [
        ("A", 90, 90, False),  # 120 - 30; B has 80 >= 60 and needs nothing
    ]
    assert plan.dc_available_after == 910


def test_short_dc_serves_fewest_weeks_of_cover_first_and_flags_partials() -> None:
    plan = plan_replenishment(
        week_number=2,
        period=1,
        expected_demand={"A": 100.0, "B": 100.0, "C": 100.0},
        on_hand={"A": 50, "B": 0, "C": 90},  # cover: B 0, A 0.5, C 0.9 weeks
        dc_available=150,
        safety_stock_pct=0.0,
    )

    shipped = {x.store_id: (x.requested_units, x.units, x.is_partial) for x in plan.lines}
    assert shipped == {"B": (100, 100, False), "A": (50, 50, False), "C": (10, 0, True)}
    assert plan.dc_available_after == 0
    assert plan.note == "DC short: 1 store(s) partly served, fewest weeks of cover first"


def test_transfers_take_units_from_stores_with_excess_cover() -> None:
    plan = plan_replenishment(
        week_number=5,
        period=1,
        expected_demand={"A": 10.0, "B": 10.0},
        on_hand={"A": 0, "B": 100},  # B holds 10 weeks of cover
        dc_available=0,
        safety_stock_pct=0.0,
        allow_transfers=True,
    )

    assert [(t.from_store, t.store_id, t.units) for t in plan.transfers] == [("B", "A", 10)]
    assert plan.lines[0].is_partial


def test_order_up_to_is_the_gamma_quantile_of_the_period_demand() -> None:
    targets = order_up_to({"big": 100.0, "small": 2.0, "none": 0.0}, service_level=0.95, spread=0.2)

    # Mean 100, variance 100 + 20^2 = 500: gamma(shape 20, scale 5), 95 % quantile 138.0.
    assert targets["big"] == math.ceil(gamma.ppf(0.95, 20, scale=5))
    assert 130 < targets["big"] < 145
    # Two units expected: count noise dominates, so the level is well above twice the mean.
    assert targets["small"] >= 5
    assert targets["none"] == 0
    assert order_up_to({"big": 100.0}, service_level=0.5, spread=0.2)["big"] <= 100


def test_targets_replace_the_one_period_rule() -> None:
    plan = plan_replenishment(
        week_number=3,
        period=1,
        expected_demand={"A": 50.0, "B": 50.0},
        on_hand={"A": 40, "B": 70},
        dc_available=1000,
        safety_stock_pct=0.2,
        targets={"A": 80, "B": 65},
    )

    assert {line.store_id: line.requested_units for line in plan.lines} == {"A": 40}


def test_rationing_leaves_every_store_at_the_same_risk_of_selling_out() -> None:
    expected = {"A": 100.0, "B": 50.0, "C": 10.0}
    on_hand = {"A": 0, "B": 40, "C": 0}

    targets, level = rationed_targets(expected, on_hand, units=120, service_level=0.99, spread=0.2)

    shipped = {s: max(0, targets[s] - on_hand[s]) for s in expected}
    assert sum(shipped.values()) <= 120
    assert 0.3 < level < 0.99
    # Each target is the same quantile of its store's demand (to the unit).
    for store, mean in expected.items():
        variance = mean + (0.2 * mean) ** 2
        quantile = gamma.ppf(level, mean**2 / variance, scale=variance / mean)
        assert targets[store] == pytest.approx(quantile, abs=1.0)


def test_with_stock_to_spare_nothing_is_rationed() -> None:
    expected = {"A": 100.0, "B": 50.0}

    targets, level = rationed_targets(expected, {}, units=10_000, service_level=0.99, spread=0.2)

    assert level == 0.99
    assert targets == order_up_to(expected, service_level=0.99, spread=0.2)


def test_a_rationed_proposal_lists_the_stores_left_short() -> None:
    expected = {"A": 100.0, "B": 50.0}
    requested = order_up_to(expected, service_level=0.99, spread=0.2)
    targets, _ = rationed_targets(expected, {}, units=100, service_level=0.99, spread=0.2)

    plan = plan_replenishment(
        week_number=2,
        period=1,
        expected_demand=expected,
        on_hand={},
        dc_available=500,
        safety_stock_pct=0.2,
        targets=targets,
        requested=requested,
    )

    assert plan.rationed and plan.shipped_units <= 100
    assert all(line.is_partial for line in plan.lines)
    assert [line.requested_units for line in plan.lines] == [requested["A"], requested["B"]]
    assert plan.note.startswith("Rationed: 2 store(s) left")
