"""Money of the weeks so far at the prices in force (planner.engine.money)."""

import pytest

from planner.engine.economics import Economics
from planner.engine.money import markdown_off, season_money

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
