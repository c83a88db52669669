"""The end-of-season report and its tuning advice. No Django imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forecasting.engine.metrics import bias, mape, wape
from planner.engine.money import SeasonMoney

UNUSED_HOLDBACK_ALERT = 0.25
BIAS_ALERT = 0.10
LEFTOVER_ALERT = 0.20


@dataclass(frozen=True)
class Accuracy:
    """Errors of one plan against the actuals; bias > 0 means the plan ran high."""

    mape: float
    wape: float
    bias: float
    weekly_error: tuple[float, ...]  # (forecast - actual) / actual per week


def accuracy(actual: Sequence[float], forecast: Sequence[float]) -> Accuracy:
    return Accuracy(
        mape=mape(actual, forecast),
        wape=wape(actual, forecast),
        bias=bias(actual, forecast),
        weekly_error=tuple(
            (f - a) / a if a else float("nan") for a, f in zip(actual, forecast, strict=True)
        ),
    )


@dataclass(frozen=True)
class StockoutCauses:
    """Why stores sold out: with the DC still holding stock it did not ration (replenishment
    fell short), or with the DC empty or rationing (the order fell short). Units are the
    demand lost there; from sales alone they are estimated as the store's planned share of
    the week beyond what it sold (`estimated`)."""

    starved_store_weeks: int = 0
    starved_units: int = 0
    chain_out_store_weeks: int = 0
    chain_out_units: int = 0
    estimated: bool = False


@dataclass(frozen=True)
class SeasonReport:
    """`in_season` scores each week's forecast from the plan in force before that week's
    actuals (re-forecasts included), never a plan graded on weeks it already contains."""

    original: Accuracy
    in_season: Accuracy
    units_sold: int
    units_received_by_stores: int
    manufactured: int
    sell_through_received: float
    sell_through_manufactured: float
    stockout_store_weeks: int
    store_weeks: int
    leftover_store_units: int
    leftover_dc_units: int
    dc_holdback_units: int
    reforecast_weeks: tuple[int, ...]
    markdowns: tuple[tuple[int, float], ...]  # (week, markdown pct)
    advice: tuple[str, ...]
    lost_units: int | None = None  # demand not served; known only when demand was (replay)
    excess_units: int = 0  # sales beyond recorded stock, flagged store-week by store-week
    causes: StockoutCauses = StockoutCauses()
    # Money, with the category's economics: the margin lost to each cause, and what the
    # leftovers cost (unit cost less salvage).
    starved_margin: float | None = None
    chain_out_margin: float | None = None
    leftover_cost: float | None = None
    money: SeasonMoney | None = None  # revenue, margin, markdown cost, leftover stock at cost


def season_report(
    *,
    actual: Sequence[float],
    original_plan: Sequence[float],
    in_season_plan: Sequence[float],
    units_received_by_stores: int,
    manufactured: int,
    stockout_store_weeks: int,
    store_weeks: int,
    leftover_store_units: int,
    leftover_dc_units: int,
    dc_holdback_units: int,
    reforecast_weeks: Sequence[int],
    markdowns: Sequence[tuple[int, float]],
    lost_units: int | None = None,
    excess_units: int = 0,
    causes: StockoutCauses = StockoutCauses(),
    unit_margin: float | None = None,
    leftover_loss: float | None = None,
    money: SeasonMoney | None = None,
) -> SeasonReport:
    """Accuracy of the original plan and of the plan in force each week, sell-through,
    stockouts by cause, leftovers, and advice for next season from what caused each loss
    (`unit_margin`: price - cost; `leftover_loss`: cost - salvage, per unit)."""
    sold = round(sum(actual))
    original = accuracy(actual, original_plan)
    in_season = accuracy(actual, in_season_plan)
    advice: list[str] = []
    starved_margin = None if unit_margin is None else causes.starved_units * unit_margin
    chain_out_margin = None if unit_margin is None else causes.chain_out_units * unit_margin

    def lost(units: int, margin: float | None) -> str:
        if causes.estimated:
            return f"about {units:,} units lost (at least their planned share)"
        money = "" if margin is None else f" ({margin:,.0f} of margin)"
        return f"{units:,} units{money} lost"

    if causes.starved_store_weeks:
        advice.append(
            f"Replenishment, not the order: {causes.starved_store_weeks} store-weeks sold out "
            f"while the DC still held stock, "
            f"{lost(causes.starved_units, starved_margin)}. Approve the weekly proposals "
            "before their week, or stock stores deeper (a higher store service level)."
        )
    if causes.chain_out_store_weeks:
        advice.append(
            f"The chain ran out: {causes.chain_out_store_weeks} store-weeks sold out with the DC "
            f"empty or rationing, {lost(causes.chain_out_units, chain_out_margin)}. Order more "
            "next season."
        )
    if dc_holdback_units and leftover_dc_units / dc_holdback_units > UNUSED_HOLDBACK_ALERT:
        advice.append(
            f"Lower the DC holdback: {leftover_dc_units:,} of the {dc_holdback_units:,} units "
            f"held at the DC ({leftover_dc_units / dc_holdback_units:.0%}) were never shipped."
        )
    if abs(original.bias) > BIAS_ALERT:
        direction = "high" if original.bias > 0 else "low"
        advice.append(
            f"The pre-season forecast ran {direction} by {abs(original.bias):.0%}: check for "
            "demand shifts the history does not show before trusting next season's plan."
        )
    leftover = leftover_store_units + leftover_dc_units
    leftover_cost = None if leftover_loss is None else leftover * leftover_loss
    if manufactured and leftover / manufactured > LEFTOVER_ALERT:
        at_cost = "" if leftover_cost is None else f", {leftover_cost:,.0f} at cost less salvage"
        advice.append(
            f"{leftover:,} units ({leftover / manufactured:.0%} of the order) were left "
            f"over{at_cost}: order less or plan an earlier markdown checkpoint."
        )
    if excess_units:
        advice.append(
            f"Stores reported {excess_units:,} units sold beyond the stock they were sent: "
            "check receipts and counts before trusting sell-through above 100 %."
        )
    if not advice:
        advice.append("No change suggested: stock, holdback and forecast were within bounds.")
    return SeasonReport(
        original=original,
        in_season=in_season,
        units_sold=sold,
        units_received_by_stores=units_received_by_stores,
        manufactured=manufactured,
        sell_through_received=sold / units_received_by_stores if units_received_by_stores else 0,
        sell_through_manufactured=sold / manufactured if manufactured else 0.0,
        stockout_store_weeks=stockout_store_weeks,
        store_weeks=store_weeks,
        leftover_store_units=leftover_store_units,
        leftover_dc_units=leftover_dc_units,
        dc_holdback_units=dc_holdback_units,
        reforecast_weeks=tuple(reforecast_weeks),
        markdowns=tuple(markdowns),
        advice=tuple(advice),
        lost_units=lost_units,
        excess_units=excess_units,
        causes=causes,
        starved_margin=starved_margin,
        chain_out_margin=chain_out_margin,
        leftover_cost=leftover_cost,
        money=money,
    )
