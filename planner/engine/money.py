"""What a season's sales are worth at the prices in force each week. No Django imports.

A markdown decided at checkpoint week k prices the weeks after it; depths of several
markdowns add up (the what-if prices its paths the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shared.economics import Economics


def markdown_off(markdowns: Sequence[tuple[int, float]], week_number: int) -> float:
    """The share off the full price in `week_number`, from (checkpoint week, depth) pairs."""
    return sum(pct for week, pct in markdowns if week_number > week)


@dataclass(frozen=True)
class SeasonMoney:
    """Money of the weeks so far. Gross margin is on the units sold (revenue less their unit
    cost); markdown cost is the revenue the markdowns gave up on them; stock is valued at
    unit cost."""

    revenue: float
    gross_margin: float
    gross_margin_pct: float | None  # of revenue; None before any sale
    markdown_cost: float
    store_stock_value: float
    dc_stock_value: float


def season_money(
    *,
    sold_by_week: Sequence[int],
    markdowns: Sequence[tuple[int, float]],
    economics: Economics,
    store_units: int,
    dc_units: int,
) -> SeasonMoney:
    full_price = 0.0
    revenue = 0.0
    for number, sold in enumerate(sold_by_week, start=1):
        full_price += sold * economics.price
        revenue += sold * economics.price * (1 - markdown_off(markdowns, number))
    margin = revenue - sum(sold_by_week) * economics.unit_cost
    return SeasonMoney(
        revenue=round(revenue, 2),
        gross_margin=round(margin, 2),
        gross_margin_pct=margin / revenue if revenue else None,
        markdown_cost=round(full_price - revenue, 2),
        store_stock_value=round(store_units * economics.unit_cost, 2),
        dc_stock_value=round(dc_units * economics.unit_cost, 2),
    )


@dataclass(frozen=True)
class MarginRange:
    """The season's gross margin for an order of `order_units` over the season's demand
    distribution: the mean and the 80 % interval. Each unit demanded is counted as served
    while the order lasts (no store runs short beside stock elsewhere), and what is left is
    salvaged; the What-if plays the weeks store by store."""

    expected: float
    low_80: float
    high_80: float
    order_units: int


def margin_range(
    *,
    factor_quantile: Callable[[float], float],
    planned_units: float,
    order_units: int,
    economics: Economics,
    points: int = 200,
) -> MarginRange:
    """`factor_quantile(p)`: the season total's p-quantile as a multiple of `planned_units`
    (forecasting's SeasonRisk). The margin grows with demand, so its quantiles are those of
    demand; the mean averages `points` evenly spaced quantiles."""

    def margin(probability: float) -> float:
        sold = min(planned_units * factor_quantile(probability), order_units)
        return (
            sold * economics.price
            - order_units * economics.unit_cost
            + (order_units - sold) * economics.salvage_value
        )

    expected = sum(margin((i + 0.5) / points) for i in range(points)) / points
    return MarginRange(
        expected=round(expected, 2),
        low_80=round(margin(0.1), 2),
        high_80=round(margin(0.9), 2),
        order_units=order_units,
    )
