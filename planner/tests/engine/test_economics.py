"""Category economics and the newsvendor quantity."""

from statistics import NormalDist

import pytest

from planner.engine.economics import (
    Economics,
    critical_ratio,
    economics_with_defaults,
    newsvendor_quantity,
)


def test_critical_ratio_is_underage_over_underage_plus_overage() -> None:
    economics = Economics(price=10.0, unit_cost=4.0, salvage_value=1.0)

    assert critical_ratio(economics) == pytest.approx((10 - 4) / (10 - 1))


@pytest.mark.parametrize(
    ("price", "cost", "salvage", "expected"),
    [
        (10.0, 5.0, 0.0, 1000),  # ratio 0.5: the mean
        (10.0, 2.0, 0.0, 1169),  # ratio 0.8: mean + 0.8416 sd = 1168.3, rounded up
        (10.0, 8.0, 0.0, 832),  # ratio 0.2: mean - 0.8416 sd = 831.7, rounded up
    ],
)
def test_newsvendor_quantity_on_normal_demand_by_hand(
    price: float, cost: float, salvage: float, expected: int
) -> None:
    economics = Economics(price=price, unit_cost=cost, salvage_value=salvage)

    demand = NormalDist(1000.0, 200.0)

    assert newsvendor_quantity(demand_quantile=demand.inv_cdf, economics=economics) == expected


def test_economics_refuse_a_price_not_above_cost_or_salvage_above_cost() -> None:
    with pytest.raises(ValueError, match=r"price 5\.00 must be above the unit cost 5\.00"):
        Economics(price=5.0, unit_cost=5.0, salvage_value=0.0)
    with pytest.raises(ValueError, match=r"salvage value 6\.00 must be below the unit cost 5\.00"):
        Economics(price=10.0, unit_cost=5.0, salvage_value=6.0)


def test_defaults_are_money_in_cents_rounded_half_up() -> None:
    # 0.3 x 24.75 = 7.425: every page, the command and the API show 7.43, and it is what the
    # simulator uses.
    economics = economics_with_defaults(
        price=None,
        unit_cost=None,
        salvage_value=None,
        shipment_cost=0.0,
        history_revenue=1_000_000.0,
        history_units=18_181.0,
        default_price=50.0,
        cost_share=0.45,
        salvage_share=0.3,
    )

    assert economics.price == 55.0  # 1,000,000 / 18,181 = 55.0025...
    assert (economics.unit_cost, economics.salvage_value) == (24.75, 7.43)
