"""Money of the weeks so far at the prices in force (planner.engine.money)."""

import pytest

from planner.engine.money import margin_range, markdown_off, season_money
from shared.economics import Economics

ECONOMICS = Economics(price=50.0, unit_cost=20.0, salvage_value=5.0, shipment_cost=0.0)


def test_a_markdown_prices_the_weeks_after_its_checkpoint() -> None:
    money = season_money(
        sold_by_week=[10, 10, 10],
        markdowns=[(2, 0.3)],
        economics=ECONOMICS,
        store_units=7,
        dc_units=100,
    )

    assert money.revenue == 10 * 50 + 10 * 50 + 10 * 35
    assert money.markdown_cost == 10 * 15
    assert money.gross_margin == 1350 - 30 * 20
    assert money.gross_margin_pct == pytest.approx(750 / 1350)
    assert (money.store_stock_value, money.dc_stock_value) == (140, 2000)


def test_depths_add_up_and_no_sale_has_no_margin_percentage() -> None:
    assert markdown_off([(2, 0.2), (4, 0.1)], 2) == 0
    assert markdown_off([(2, 0.2), (4, 0.1)], 5) == pytest.approx(0.3)
    money = season_money(
        sold_by_week=[0], markdowns=[], economics=ECONOMICS, store_units=0, dc_units=0
    )
    assert money.gross_margin_pct is None and money.revenue == 0


def test_the_orders_margin_range_follows_the_demand_quantiles() -> None:
    # Demand spread evenly between 0.5 and 1.5 times the plan of 1,000 units; an order of 1,000.
    def uniform(probability: float) -> float:
        return 0.5 + probability

    ranged = margin_range(
        factor_quantile=uniform, planned_units=1000, order_units=1000, economics=ECONOMICS
    )

    # P10: 600 sold, 400 salvaged; P90: the order sold out.
    assert ranged.low_80 == 600 * 50 - 1000 * 20 + 400 * 5
    assert ranged.high_80 == 1000 * 50 - 1000 * 20
    # Half the paths sell out (30,000); the others sell 500-1,000 units, 750 on average.
    assert ranged.expected == pytest.approx((30_000 + (750 * 50 - 20_000 + 250 * 5)) / 2, rel=1e-3)
