"""The work queue across seasons: every decision that waits for a person, each week whose
sales are due, and the exceptions a merchandiser acts on (stores likely to run out next week,
DC stock idle while stores sold out, sales behind plan), with the money at stake."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db.models import Sum

from allocation import selectors as allocation_selectors
from allocation.choices import AllocationStatus, ShipmentKind, ShipmentStatus
from forecasting import selectors as forecasting_selectors
from markdowns import selectors as markdown_selectors
from planner.models import WeekReview, Workflow
from planner.season.selectors import season_outcomes, season_record
from shared.choices import WorkflowStatus
from shared.economics import Economics
from shared.selectors import usable_economics

ACTIVE = (
    WorkflowStatus.AWAITING_ORDER,
    WorkflowStatus.AWAITING_MARKDOWN,
    WorkflowStatus.IN_SEASON,
)


@dataclass(frozen=True)
class QueueItem:
    """One line of the queue. `money` is what the item puts at stake, in currency (None when
    the category's economics do not hold); `money_note` says what it counts."""

    season_id: int
    category: str
    kind: str  # "decision", "upload" or "exception"
    what: str
    due_week: int  # 0: before the season
    due_date: dt.date | None
    money: float | None
    money_note: str
    anchor: str  # where on the season page to act


def work_queue(*, today: dt.date) -> list[QueueItem]:
    """Every active season's items, soonest due first."""
    items: list[QueueItem] = []
    seasons = Workflow.objects.filter(status__in=ACTIVE).select_related("category", "parameters")
    for workflow in seasons:
        items += _season_items(workflow, usable_economics(workflow.category_id), today)
    return sorted(items, key=lambda i: (i.due_date or dt.date.max, i.season_id, i.kind))


def _season_items(
    workflow: Workflow, economics: Economics | None, today: dt.date
) -> list[QueueItem]:
    root = forecasting_selectors.season_forecast(workflow_id=workflow.pk)
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    if root is None or allocation is None:
        return []
    starts = dict(root.weeks.values_list("week_number", "week_start_date"))
    cost = None if economics is None else economics.unit_cost
    item = partial(_item, workflow, starts)

    items = []
    if workflow.status == WorkflowStatus.AWAITING_ORDER:
        items.append(
            item(
                "decision",
                f"Approve the manufacturing order of {allocation.manufacturing_qty:,} units",
                0,
                None if cost is None else allocation.manufacturing_qty * cost,
                "the order at cost",
                "order-form",
            )
        )
        return items
    pending = markdown_selectors.pending_markdown(root=root)
    if pending is not None:
        margins = [float(option["margin"]) for option in pending.options or []]
        items.append(
            item(
                "decision",
                f"Decide the week {pending.week_number} markdown",
                pending.week_number + 1,
                max(margins) - min(margins) if margins else None,
                "margin between the best and the worst option",
                "markdown-form",
            )
        )
    proposed: dict[int, int] = defaultdict(int)
    for week, units in (
        allocation.shipments.filter(
            status=ShipmentStatus.PROPOSED,
            kind__in=[ShipmentKind.REPLENISHMENT, ShipmentKind.TRANSFER],
        )
        .values("week_number")
        .annotate(units=Sum("units"))
        .values_list("week_number", "units")
    ):
        proposed[week] += units
    for week, units in sorted(proposed.items()):
        items.append(
            item(
                "decision",
                f"Approve week {week}'s replenishment: {units:,} units",
                week,
                None if cost is None else units * cost,
                "the shipment at cost",
                f"replenishment-week-{week}",
            )
        )
    horizon = workflow.parameters.forecast_horizon_weeks
    next_week = workflow.season_week + 1
    if next_week <= horizon and next_week in starts:
        ends = starts[next_week] + dt.timedelta(days=6)
        if ends < today:
            items.append(
                item(
                    "upload",
                    f"Upload week {next_week}'s sales (the week ended {ends})",
                    next_week,
                    None,
                    "",
                    "week-upload",
                )
            )
    if allocation.status == AllocationStatus.APPROVED and workflow.season_week:
        items += _exceptions(workflow, economics, item)
    return items


def _item(
    workflow: Workflow,
    starts: dict[int, dt.date],
    kind: str,
    what: str,
    week: int,
    money: float | None,
    note: str,
    anchor: str,
) -> QueueItem:
    return QueueItem(
        workflow.pk,
        workflow.category.name,
        kind,
        what,
        week,
        starts.get(max(week, 1)),
        None if money is None else round(money, 2),
        note,
        anchor,
    )


def _exceptions(
    workflow: Workflow, economics: Economics | None, item: Callable[..., QueueItem]
) -> list[QueueItem]:
    record = season_record(workflow)
    outcomes = season_outcomes(record)
    last = outcomes[-1]
    state = last.state
    week = state.week
    found = []
    if week < len(state.plan):
        coming = state.plan[week].units  # the plan in force for the next week
        arrivals = allocation_selectors.approved_arrivals(allocation=record.allocation)
        arriving = {line.store_id for line in arrivals.get(week + 1, ())}
        short = {
            store: coming * share - state.on_hand.get(store, 0)
            for store, share in record.setup.shares.items()
            if state.on_hand.get(store, 0) < coming * share and store not in arriving
        }
        if short:
            units = sum(short.values())
            found.append(
                item(
                    "exception",
                    f"{len(short)} store{'s' if len(short) != 1 else ''} likely to run out in "
                    f"week {week + 1} (about {units:,.0f} units short, nothing on the way)",
                    week + 1,
                    None if economics is None else units * (economics.price - economics.unit_cost),
                    "margin of the units short",
                    "replenishment",
                )
            )
    if last.stockouts and state.dc_on_hand and not last.rationed:
        found.append(
            item(
                "exception",
                f"DC holds {state.dc_on_hand:,} units while {last.stockouts} store"
                f"{'s' if last.stockouts != 1 else ''} sold out in week {week}",
                week + 1,
                None if economics is None else state.dc_on_hand * economics.unit_cost,
                "DC stock at cost",
                "replenishment",
            )
        )
    review = WeekReview.objects.filter(workflow=workflow, week_number=week).first()
    if (
        review is not None
        and review.cumulative_band != "on_track"
        and review.cumulative_variance < 0
    ):
        behind = review.cumulative_variance
        planned = sum(record.setup.base_weeks[w].units for w in range(week))
        found.append(
            item(
                "exception",
                f"Sales {abs(behind):.0%} behind plan after week {week}",
                week + 1,
                None if economics is None else -behind * planned * economics.price,
                "revenue behind plan",
                "weeks",
            )
        )
    return found
