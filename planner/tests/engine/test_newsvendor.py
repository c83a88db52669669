"""The newsvendor quantity."""

from statistics import NormalDist

import pytest

from planner.engine.newsvendor import critical_ratio, newsvendor_quantity
from shared.economics import Economics


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
