"""Reads of a season: the database's facts as engine inputs, the weeks replayed through the
engine's `run_week`, and the figures the API and the pages show (one source for all)."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.db.models import Count, Max, Q, Sum

from allocation import selectors as allocation_selectors
from allocation.choices import AllocationStatus, ShipmentKind, ShipmentStatus
from allocation.models import Allocation, Shipment
from forecasting import fetch as forecasting_fetch
from forecasting.models import Forecast
from markdowns import selectors as markdown_selectors
from planner.data.sample_data import SCENARIO_DIR, SCENARIO_LIFT_RESPONSE
from planner.engine.money import MarginRange, SeasonMoney, margin_range
from planner.engine.report import SeasonReport
from planner.engine.sample_inputs import scenario_actuals
from planner.engine.season import (
    SeasonPolicy,
    SeasonSetup,
    WeekInput,
    WeekOutcome,
    demand_week,
    money_of,
    run_week,
    run_weeks,
    season_start,
)
from planner.models import WeeklyActual, WeekReview, Workflow, WorkflowEvent
from planner.season.policy import season_policy
from planner.season.states import SeasonConflict
from shared.choices import WorkflowStatus
from shared.economics import Economics
from shared.selectors import usable_economics


@dataclass(frozen=True)
class SeasonRecord:
    """What the database holds of a season, as engine inputs: the setup, the policy, and
    each uploaded week with its facts (approved arrivals, decided markdown)."""

    workflow: Workflow
    allocation: Allocation
    root: Forecast
    setup: SeasonSetup
    policy: SeasonPolicy
    weeks: tuple[WeekInput, ...]


def season_record(workflow: Workflow) -> SeasonRecord:
    """Raises SeasonConflict before the order is approved."""
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    if allocation is None or allocation.status != AllocationStatus.APPROVED:
        raise SeasonConflict(
            f"Season {workflow.pk} has no approved manufacturing order yet; approve it before "
            "uploading in-season sales."
        )
    root = allocation.forecast
    stores = list(allocation.store_rows.values_list("store_id", "season_share", "initial_units"))
    setup = SeasonSetup(
        base_weeks=forecasting_fetch.forecast_weeks(root),
        prior_sd=float(root.adjustment.get("level_sd", 0.0)),
        noise_sd=float(root.adjustment.get("noise_sd", 0.0)),
        shares={store: share for store, share, _ in stores},
        initial_units={store: units for store, _, units in stores},
        dc_units=allocation.dc_holdback_units,
    )
    p = workflow.parameters
    # Economics that no longer hold together: the markdown falls back to the seed's rule,
    # unpriced, until they are fixed.
    economics = usable_economics(workflow.category_id)
    policy = season_policy(
        horizon_weeks=p.forecast_horizon_weeks,
        strategy=p.replenishment_strategy,
        safety_stock_pct=allocation.safety_stock_pct,
        markdown_checkpoint_week=p.markdown_checkpoint_week,
        markdown_threshold=p.markdown_threshold,
        economics=economics,
        markdown_responses=markdown_selectors.markdown_responses(category_id=workflow.category_id),
    )
    sales: dict[int, dict[str, int]] = defaultdict(dict)
    for week, store, units in WeeklyActual.objects.filter(workflow=workflow).values_list(
        "week_number", "store_id", "units_sold"
    ):
        sales[week][store] = units
    arrivals = allocation_selectors.approved_arrivals(allocation=allocation)
    decided = markdown_selectors.decided_markdowns(root=root)
    requested = dict(
        WeekReview.objects.filter(workflow=workflow)
        .exclude(requested_revision="")
        .values_list("week_number", "requested_revision")
    )
    weeks = tuple(
        WeekInput(
            week_number=week,
            sales=sales[week],
            arrivals=arrivals.get(week, ()),
            markdown=decided.get(week),
            revision_reason=requested.get(week, ""),
        )
        for week in sorted(sales)
    )
    return SeasonRecord(workflow, allocation, root, setup, policy, weeks)


def season_outcomes(record: SeasonRecord) -> list[WeekOutcome]:
    """The uploaded weeks through `run_week`, from the season's start."""
    return run_weeks(season_start(record.setup), record.weeks, record.policy)


def season_report_for(workflow: Workflow) -> SeasonReport | None:
    """The season report, made once the last week is in."""
    if workflow.status != WorkflowStatus.CLOSED:
        return None
    return season_outcomes(season_record(workflow))[-1].report


@dataclass(frozen=True)
class SeasonToDate:
    """Where stock and sales stand after the weeks uploaded so far: the figures of the
    season page, the API and the stream all come from here."""

    week: int
    units_sold: int
    units_received_by_stores: int
    sell_through: float  # sold / received by stores
    excess_units: int  # sold beyond recorded stock (flagged store-week by store-week)
    flags: tuple[str, ...]
    stockout_store_weeks: int
    store_units: int
    dc_on_hand: int
    dc_committed: int  # approved shipments not yet received
    dc_available: int  # on hand - committed
    plan_factor: float
    money: SeasonMoney | None  # None while the category's economics do not hold together


def season_to_date(record: SeasonRecord, outcomes: list[WeekOutcome]) -> SeasonToDate:
    state = outcomes[-1].state if outcomes else season_start(record.setup)
    committed = sum(
        line.units
        for line in allocation_selectors.approved_arrivals(allocation=record.allocation).get(
            state.week + 1, ()
        )
        if line.from_store is None
    )
    return SeasonToDate(
        week=state.week,
        units_sold=state.units_sold,
        units_received_by_stores=state.received_by_stores,
        sell_through=state.units_sold / state.received_by_stores
        if state.received_by_stores
        else 0.0,
        excess_units=state.excess_units,
        flags=tuple(entry.flag for entry in state.ledger if entry.excess),
        stockout_store_weeks=state.stockout_store_weeks,
        store_units=sum(state.on_hand.values()),
        dc_on_hand=state.dc_on_hand,
        dc_committed=committed,
        dc_available=state.dc_on_hand - committed,
        plan_factor=state.level.adjustment_factor if state.level else 1.0,
        money=None if record.policy.economics is None else money_of(state, record.policy.economics),
    )


def sample_week_sales(
    workflow: Workflow, *, scenario: str, directory: Path
) -> tuple[int, dict[str, int]]:
    """The demo's sales for the season's next week: the sample scenario's demand (as its
    customers answer the decided markdowns) served from what each store holds once the week's
    approved shipments arrive, so a demo never sells more than the season sent. Raises
    SeasonConflict when the season takes no upload or the sample has no such scenario."""
    record = season_record(workflow)
    horizon = record.policy.horizon_weeks
    week = workflow.season_week + 1
    if workflow.status in (WorkflowStatus.CLOSED, WorkflowStatus.CANCELLED) or week > horizon:
        raise SeasonConflict(f"Season {workflow.pk} takes no more weekly sales.")
    path = directory / SCENARIO_DIR / workflow.category_id / f"{scenario}.csv"
    if scenario not in SCENARIO_LIFT_RESPONSE or not path.is_file():
        raise SeasonConflict(
            f"The sample data has no scenario '{scenario}' for {workflow.category.name}: "
            f"use one of {', '.join(SCENARIO_LIFT_RESPONSE)} with a sample category."
        )
    demand = scenario_actuals(directory, workflow.category_id, scenario)
    missing = set(record.setup.shares) - set(demand)
    if missing:
        raise SeasonConflict(
            f"The sample scenario has no demand for {len(missing)} of the season's stores: "
            "the sample scenarios fit the sample stores."
        )
    outcomes = season_outcomes(record)
    state = outcomes[-1].state if outcomes else season_start(record.setup)
    full_price = {store: demand[store][week - 1] for store in record.setup.shares}
    arrivals = allocation_selectors.approved_arrivals(allocation=record.allocation)
    demanded = demand_week(
        state,
        week,
        full_price,
        lift_response=SCENARIO_LIFT_RESPONSE[scenario],
        arrivals=arrivals.get(week, ()),
    )
    outcome = run_week(state, demanded, record.policy)
    return week, {line.store_id: line.sold for line in outcome.store_weeks}


def order_margin_range(allocation: Allocation, economics: Economics | None) -> MarginRange | None:
    """The season's expected gross margin for the order, with its 80 % range, over the
    pre-season forecast's season distribution; None while the economics do not hold."""
    if economics is None:
        return None
    return _margin_range_of(allocation.forecast_id, allocation.manufacturing_qty, economics)


@functools.lru_cache(maxsize=512)
def _margin_range_of(forecast_id: int, order_units: int, economics: Economics) -> MarginRange:
    """Computed once a process for its inputs: a stored forecast's distribution never changes
    (a new plan is a new forecast), and its 200 quantiles cost about a quarter of a second,
    which every render of the season page and its live part would otherwise pay again."""
    root = Forecast.objects.get(pk=forecast_id)
    return margin_range(
        factor_quantile=forecasting_fetch.stored_risk(root).factor_quantile,
        planned_units=math.fsum(w.units for w in forecasting_fetch.forecast_weeks(root)),
        order_units=order_units,
        economics=economics,
    )


def report_dict(report: SeasonReport | None) -> dict[str, Any] | None:
    return None if report is None else asdict(report)


def workflow_results(workflow: Workflow) -> dict[str, Any]:
    """Ids and headline figures of what a season produced, for GET .../results."""
    forecasts = list(
        Forecast.objects.filter(workflow=workflow)
        .order_by("version")
        .values("id", "version", "method", "total_units")
    )
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    result: dict[str, Any] = {
        "workflow_id": workflow.pk,
        "status": workflow.status,
        "season_week": workflow.season_week,
        "forecasts": forecasts,
        "current_forecast_id": forecasts[-1]["id"] if forecasts else None,
        "allocation": None
        if allocation is None
        else {
            "allocation_id": allocation.pk,
            "status": allocation.status,
            "manufacturing_qty": allocation.manufacturing_qty,
            "safety_stock_pct": allocation.safety_stock_pct,
            "dc_holdback_units": allocation.dc_holdback_units,
            "store_initial_units": allocation.store_initial_units,
        },
        "revision_weeks": list(
            WeekReview.objects.filter(workflow=workflow, reforecast_triggered=True).values_list(
                "week_number", flat=True
            )
        ),
        "weeks_uploaded": workflow.season_week,
        "markdowns": [],
        "to_date": None,
        "report": None,
    }
    if allocation is not None:
        result["markdowns"] = [
            markdown_selectors.markdown_summary(d)
            for d in markdown_selectors.season_markdowns(root=allocation.forecast)
        ]
    if allocation is not None and allocation.status == AllocationStatus.APPROVED:
        record = season_record(workflow)
        outcomes = season_outcomes(record)
        result["to_date"] = asdict(season_to_date(record, outcomes))
        if workflow.status == WorkflowStatus.CLOSED:
            result["report"] = report_dict(outcomes[-1].report)
    return result


def replenishment_lines(allocation: Allocation) -> list[Any]:
    """The season's replenishment and transfer lines, rejected ones included, newest week
    first."""
    return list(
        allocation.shipments.exclude(kind=ShipmentKind.INITIAL).order_by("-week_number", "store_id")
    )


def season_stamp(workflow_id: int) -> tuple[object, ...] | None:
    """What the season page's figures are made of, in three reads: the season's stream
    position and last change, its category's economics, and its shipments' count, units and
    statuses. Equal stamps mean equal figures (the season page answers 304 on one); None for
    no such season."""
    season = (
        Workflow.objects.filter(pk=workflow_id)
        .values_list(
            "updated_at",
            "season_week",
            "category__price",
            "category__unit_cost",
            "category__salvage_value",
            "category__shipment_cost",
            "category__history_row_count",
        )
        .first()
    )
    if season is None:
        return None
    stream = WorkflowEvent.objects.filter(workflow_id=workflow_id).aggregate(last=Max("sequence"))
    shipments = Shipment.objects.filter(allocation__forecast__workflow_id=workflow_id).aggregate(
        lines=Count("id"),
        units=Sum("units"),
        approved=Count("id", filter=Q(status=ShipmentStatus.APPROVED)),
        rejected=Count("id", filter=Q(status=ShipmentStatus.REJECTED)),
    )
    return (*season, stream["last"], *shipments.values())
