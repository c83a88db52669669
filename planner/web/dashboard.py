"""Reads for the season pages: everything a section shows, from the database."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import plotly.graph_objects as go
from django.conf import settings
from plotly.subplots import make_subplots

from allocation import selectors as allocation_selectors
from allocation.choices import AllocationStatus, ShipmentStatus
from allocation.engine.allocation import SAFETY_STOCK_RANGE, order_split
from allocation.models import Allocation, StoreAllocation
from forecasting import selectors as forecasting_selectors
from forecasting.engine.members import MEMBER_LABELS
from forecasting.engine.types import ForecastWeek as EngineWeek
from forecasting.engine.variance import variance
from forecasting.models import Forecast, ForecastWeek
from markdowns import selectors as markdown_selectors
from markdowns.choices import MarkdownStatus
from markdowns.models import MarkdownDecision
from planner.engine.money import MarginRange
from planner.engine.report import SeasonReport
from planner.engine.season import WeekOutcome
from planner.models import SeasonParameters, WeekReview, Workflow
from planner.season.selectors import (
    SeasonToDate,
    order_margin_range,
    replenishment_lines,
    season_outcomes,
    season_record,
    season_to_date,
)
from planner.season.states import AWAITING_ACTION, RUNNABLE, describe
from planner.templatetags.planner_format import signed_percent
from shared import selectors as shared_selectors
from shared.choices import WorkflowStatus

BAND_COLOURS = {"on_track": "#2e7d32", "elevated": "#f9a825", "high": "#c62828"}
BAND_LABELS = {
    "on_track": "within the threshold",
    "elevated": "elevated variance",
    "high": "high variance",
}
AGENTS = ("orchestrator", "demand", "inventory", "pricing")


def _completed_line(payload: dict[str, Any]) -> str:
    result = payload["result"]
    if "replenishment" in result:
        r = result["replenishment"]
        return (
            f"week {r['week_number']} replenishment: {r['units']:,} units to {r['stores']} "
            f"stores ({r['status']})"
        )
    if "reasoning" in result:
        mode = result.get("mode", "deterministic")
        return f"{result['reasoning']} ({payload['duration_seconds']:.1f} s, {mode})"
    return f"done in {payload['duration_seconds']:.1f} s"


COVER_WEEKS = 4  # weeks of cover: stock over the plan's mean demand in the next four weeks


def agent_cards(workflow: Workflow) -> list[dict[str, Any]]:
    """Each agent's state from the stored stream: waiting, running, done, needs you, error."""
    cards: dict[str, dict[str, Any]] = {
        agent: {"agent": agent, "state": "waiting", "lines": []} for agent in AGENTS
    }
    for event in workflow.events.order_by("sequence"):
        card = cards.get(event.agent)
        if card is None:
            continue
        payload = event.payload
        if event.type == "agent_started":
            card["state"] = "running"
        elif event.type == "agent_progress":
            card["lines"].append(payload["message"])
        elif event.type == "agent_completed":
            card["state"] = "done"
            card["lines"].append(_completed_line(payload))
        elif event.type == "human_input_required":
            card["state"] = "needs_you"
        elif event.type == "error":
            card["state"] = "error"
            card["lines"].append(payload["error_message"])
    awaiting = AWAITING_ACTION.get(workflow.status)
    for card in cards.values():
        waiting = awaiting and card["agent"] == workflow.current_agent
        if card["state"] == "needs_you" and not waiting:
            card["state"] = "done"  # the decision it asked for was made
    if awaiting and workflow.current_agent in cards:
        cards[workflow.current_agent]["state"] = "needs_you"
    return list(cards.values())


def figure_data(figure: go.Figure) -> dict[str, Any]:
    """A figure as plain JSON data; static/planner/season.js draws it (no inline script, so
    the pages satisfy the Content-Security-Policy)."""
    data: dict[str, Any] = json.loads(figure.to_json())
    return data


# Member curves: dotted and dashed lines in colours apart from the ensemble's blue.
MEMBER_STYLES = (
    ("dot", "#8e24aa"),
    ("dash", "#00897b"),
    ("dashdot", "#6d4c41"),
    ("longdash", "#546e7a"),
)


def _band(
    figure: go.Figure, x: list[Any], weeks: list[ForecastWeek], name: str, rgb: str, opacity: float
) -> None:
    """A forecast's 80 % interval as a filled band without markers (its upper edge first)."""
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[w.upper_80 for w in weeks],
            mode="lines",
            line={"width": 0},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[w.lower_80 for w in weeks],
            mode="lines",
            fill="tonexty",
            line={"width": 0},
            name=name,
            fillcolor=f"rgba({rgb},{opacity})",
        )
    )


def _cumulative(values: Sequence[float | None]) -> list[float | None]:
    total = 0.0
    out: list[float | None] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        total += value
        out.append(total)
    return out


def forecast_chart(
    original: Forecast,
    current: Forecast,
    weeks: list[ForecastWeek],
    in_force: list[ForecastWeek],
    reviews: list[WeekReview],
    last_year: list[int | None],
    markdowns: Sequence[tuple[int, float]] = (),
) -> dict[str, Any]:
    """Weekly units by week start date, from zero: the original plan with its 80 % band and
    members, the plan in force with its band, last year's same weeks, and the actual bars (one
    legend entry per variance colour), stockouts marked above their weeks and each markdown as
    a line where its prices start. A button switches to the season's cumulative units.
    `weeks` and `in_force` are the two plans' weeks in order; `markdowns` are (checkpoint week,
    depth) of the decided markdowns."""
    dates = {w.week_number: w.week_start_date for w in weeks}
    x = [w.week_start_date for w in weeks]
    revised = in_force is not weeks
    figure = go.Figure()
    _band(figure, x, weeks, "Original plan: 80 % interval", "33,99,201", 0.18)
    for index, name in enumerate(original.weights):
        dash, colour = MEMBER_STYLES[index % len(MEMBER_STYLES)]
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[w.members.get(name) for w in weeks],
                mode="lines",
                name=MEMBER_LABELS.get(name, name),
                line={"dash": dash, "color": colour},
                visible="legendonly" if reviews else True,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[w.units for w in weeks],
            mode="lines",
            name="Original plan",
            line={"color": "#1f4e9c", "width": 3},
        )
    )
    if revised:
        _band(figure, x, in_force, "Plan in force: 80 % interval", "180,83,9", 0.18)
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[w.units for w in in_force],
                mode="lines",
                name=f"Plan in force (version {current.version}, after week {current.version - 1})",
                line={"color": "#b45309", "width": 3},
            )
        )
    if any(units is not None for units in last_year):
        figure.add_trace(
            go.Scatter(
                x=x,
                y=last_year,
                mode="lines",
                name="Last year, same weeks",
                line={"color": "#616161", "dash": "dot", "width": 2},
            )
        )
    for band, label in BAND_LABELS.items():
        banded = [r for r in reviews if r.weekly_band == band]
        if banded:
            figure.add_trace(
                go.Bar(
                    x=[dates[r.week_number] for r in banded],
                    y=[r.actual_units for r in banded],
                    name=f"Actual: {label}",
                    marker_color=BAND_COLOURS[band],
                    opacity=0.75,
                )
            )
    sold_out = [r for r in reviews if r.stockout_stores]
    if sold_out:
        figure.add_trace(
            go.Scatter(
                x=[dates[r.week_number] for r in sold_out],
                y=[r.actual_units for r in sold_out],
                mode="markers+text",
                marker={"symbol": "triangle-down", "size": 11, "color": "#c62828"},
                text=[f"{r.stockout_stores} out" for r in sold_out],
                textposition="top center",
                name="Stores sold out that week",
            )
        )
    weekly_count = len(figure.data)
    actual = [r.actual_units for r in reviews]
    cumulative = [
        ("Original plan, cumulative", _cumulative([w.units for w in weeks]), "#1f4e9c", "solid"),
        ("Last year, cumulative", _cumulative(last_year), "#616161", "dot"),
        ("Actual, cumulative", _cumulative(actual), "#2e7d32", "solid"),
    ]
    if revised:
        # The plan in force from the season's start: what was sold, then its remaining weeks.
        sold_then_plan = actual + [w.units for w in in_force[len(actual) :]]
        cumulative.insert(
            1, ("Plan in force, cumulative", _cumulative(sold_then_plan), "#b45309", "dash")
        )
    for name, values, colour, dash in cumulative:
        if any(v is not None for v in values):
            figure.add_trace(
                go.Scatter(
                    x=x[: len(values)],
                    y=values,
                    mode="lines+markers" if name.startswith("Actual") else "lines",
                    name=name,
                    line={"color": colour, "dash": dash, "width": 3},
                    visible=False,
                )
            )
    for checkpoint, depth in markdowns:
        starts = dates.get(checkpoint + 1)
        if starts is not None and depth:
            figure.add_shape(
                type="line",
                x0=starts,
                x1=starts,
                yref="paper",
                y0=0,
                y1=1,
                line={"color": "#6a1b9a", "dash": "dash"},
            )
            figure.add_annotation(
                x=starts,
                yref="paper",
                y=1,
                text=f"markdown {depth:.0%}",
                showarrow=False,
                yanchor="bottom",
                font={"color": "#6a1b9a"},
            )
    count = len(figure.data)
    weekly_visible = [trace.visible for trace in figure.data[:weekly_count]]
    half_week = dt.timedelta(days=3.5)
    figure.update_layout(
        height=420,
        margin={"l": 60, "r": 10, "t": 40, "b": 60},
        # Every week labelled by the day it starts, and half a week of room at each end so the
        # first and last bars show whole.
        xaxis={
            "title": "Week starting",
            "tickmode": "array",
            "tickvals": x,
            "ticktext": [f"{day:%d %b}" for day in x],
            "range": [x[0] - half_week, x[-1] + half_week] if x else None,
        },
        yaxis={"title": "Units", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.3, "yanchor": "top"},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "right",
                "x": 0,
                "y": 1.12,
                "xanchor": "left",
                "showactive": True,
                "buttons": [
                    {
                        "label": "Weekly",
                        "method": "update",
                        "args": [{"visible": weekly_visible + [False] * (count - weekly_count)}],
                    },
                    {
                        "label": "Cumulative",
                        "method": "update",
                        "args": [
                            {"visible": [False] * weekly_count + [True] * (count - weekly_count)}
                        ],
                    },
                ],
            }
        ],
    )
    return figure_data(figure)


def chart_summary(
    current: Forecast,
    weeks: list[ForecastWeek],
    in_force: list[ForecastWeek],
    reviews: list[WeekReview],
    last_year: list[int | None],
) -> str:
    """The forecast chart in words (its text alternative)."""
    planned = math.fsum(w.units for w in weeks)
    text = f"The original plan: {round(planned):,} units over {len(weeks)} weeks"
    known = [units for units in last_year if units is not None]
    if len(known) == len(last_year) and known:
        text += f"; the same weeks last year sold {sum(known):,}"
    if in_force is not weeks:
        total = math.fsum(w.units for w in in_force)
        text += f"; the plan in force (version {current.version}) {round(total):,}"
    if reviews:
        sold = sum(r.actual_units for r in reviews)
        plan = math.fsum(r.forecast_units for r in reviews)
        text += (
            f". Weeks 1-{reviews[-1].week_number}: sold {sold:,} against {round(plan):,} planned "
            f"before each week ({signed_percent(variance(sold, plan))})"
        )
    return text + "."


def _variance_pct(actual: float, planned: float) -> float | None:
    return 100 * variance(actual, planned) if planned > 0 else None


def report_chart(
    reviews: list[WeekReview], original: Forecast, received_by_week: list[int]
) -> dict[str, Any]:
    """Each week's sales against the original plan and against the plan in force (the
    variance: sales above plan positive, as everywhere), and cumulative sell-through of what
    stores received."""
    weeks = [r.week_number for r in reviews]
    planned = {w.week_number: w.units for w in original.weeks.all()}
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Sales vs plan", "Sell-through"),
    )
    figure.add_trace(
        go.Bar(
            x=weeks,
            name="Original plan",
            marker_color="#1f4e9c",
            y=[_variance_pct(r.actual_units, planned[r.week_number]) for r in reviews],
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Bar(
            x=weeks,
            name="Plan in force",
            marker_color="#b45309",
            y=[_variance_pct(r.actual_units, r.forecast_units) for r in reviews],
        ),
        row=1,
        col=1,
    )
    sold = 0
    through = []
    for review, received in zip(reviews, received_by_week, strict=True):
        sold += review.actual_units
        through.append(100 * sold / received if received else 0)
    figure.add_trace(
        go.Scatter(
            x=weeks, y=through, name="Sell-through", mode="lines+markers", line={"color": "#2e7d32"}
        ),
        row=1,
        col=2,
    )
    figure.update_xaxes(title_text="Week", dtick=1)
    figure.update_yaxes(title_text="% (sales above plan: +)", row=1, col=1)
    figure.update_yaxes(title_text="% of received", row=1, col=2)
    figure.update_layout(
        height=340,
        margin={"l": 60, "r": 10, "t": 40, "b": 60},
        legend={"orientation": "h", "y": -0.3, "yanchor": "top"},
    )
    return figure_data(figure)


@dataclass
class SeasonView:
    """Everything the season page and its live part show, read once a render by
    `season_view`; the templates see its fields as their context."""

    workflow: Workflow
    status_text: str
    awaiting_action: str
    agents_working: bool
    last_sequence: int
    parameters: SeasonParameters
    cards: list[dict[str, Any]]
    original: Forecast | None
    current: Forecast | None
    allocation: Allocation | None
    reviews: list[WeekReview]
    next_week: int | None
    markdowns: list[MarkdownDecision]
    pending_markdown: MarkdownDecision | None
    weeks_to_checkpoint: int
    markdown_cap: float
    lift_per_point: float
    cover_weeks: int
    # The sections shown unfolded (the reader's choice wins).
    open: dict[str, bool] = field(default_factory=lambda: {"plan": True})
    chart: dict[str, Any] | None = None
    chart_summary: str | None = None
    season_range: Any = None
    clusters: list[dict[str, Any]] = field(default_factory=list)
    order_previews: dict[int, Any] = field(default_factory=dict)
    store_rows: list[StoreAllocation] = field(default_factory=list)
    replenishment_weeks: list[dict[str, Any]] = field(default_factory=list)
    dc_available: int | None = None
    margin_range: MarginRange | None = None
    to_date: SeasonToDate | None = None
    cover: dict[str, float | None] | None = None
    report: SeasonReport | None = None
    report_chart: dict[str, Any] | None = None
    decisions: list[dict[str, str]] = field(default_factory=list)

    def as_context(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


def season_view(workflow: Workflow, *, last_sequence: int) -> SeasonView:
    """Everything the season page shows. `last_sequence` is the stream position read before
    the season was: events after it are replayed to the page."""
    original = forecasting_selectors.season_forecast(workflow_id=workflow.pk)
    current = forecasting_selectors.latest_forecast_for(workflow_id=workflow.pk) or original
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    reviews = list(WeekReview.objects.filter(workflow=workflow).order_by("week_number"))
    horizon = workflow.parameters.forecast_horizon_weeks
    view = SeasonView(
        workflow=workflow,
        status_text=describe(workflow),
        awaiting_action=AWAITING_ACTION.get(workflow.status, ""),
        agents_working=workflow.status in RUNNABLE,
        last_sequence=last_sequence,
        parameters=workflow.parameters,
        cards=agent_cards(workflow),
        original=original,
        current=current,
        allocation=allocation,
        reviews=reviews,
        next_week=workflow.season_week + 1 if workflow.season_week < horizon else None,
        markdowns=markdown_selectors.season_markdowns(root=original) if original else [],
        pending_markdown=markdown_selectors.pending_markdown(root=original) if original else None,
        weeks_to_checkpoint=max(
            0, (workflow.parameters.markdown_checkpoint_week or 0) - workflow.season_week
        ),
        markdown_cap=settings.PLANNING["MARKDOWN_CAP"],
        lift_per_point=settings.PLANNING["MARKDOWN_LIFT_PER_POINT"],
        cover_weeks=COVER_WEEKS,
    )
    _fill(view, workflow)
    view.decisions = pending_decisions(view)
    return view


def _fill(view: SeasonView, workflow: Workflow) -> None:
    """The plan's chart, the order and, once it is accepted, the season to date and report."""
    original, current, allocation, reviews = (
        view.original,
        view.current,
        view.allocation,
        view.reviews,
    )
    if original is not None and current is not None:
        weeks = list(original.weeks.order_by("week_number"))
        in_force = (
            weeks if current.pk == original.pk else list(current.weeks.order_by("week_number"))
        )
        starts = [w.week_start_date for w in weeks]
        last_year = shared_selectors.category_units_a_year_before(workflow.category_id, starts)
        decided = [
            (m.week_number, m.applied_pct)
            for m in view.markdowns
            if m.status == MarkdownStatus.APPLIED
        ]
        view.chart = forecast_chart(original, current, weeks, in_force, reviews, last_year, decided)
        view.chart_summary = chart_summary(current, weeks, in_force, reviews, last_year)
        view.season_range = forecasting_selectors.season_range(original)
    if allocation is None:
        return
    store_rows = list(allocation.store_rows.select_related("store", "cluster"))
    for row in allocation.cluster_rows.select_related("cluster").order_by("-share"):
        stores = [s for s in store_rows if s.cluster_id == row.cluster_id]
        name = row.cluster.label.replace("_", " ").capitalize()
        tiers = Counter(s.store.fashion_tier or "unknown tier" for s in stores)
        described = ", ".join(f"{count} {tier}" for tier, count in tiers.most_common())
        view.clusters.append({"row": row, "stores": stores, "name": name, "tiers": described})
    if original is not None:
        total = math.fsum(w.units for w in original.weeks.all())
        low, high = SAFETY_STOCK_RANGE
        view.order_previews = {
            percent: order_split(total, percent / 100, allocation.dc_holdback_pct)
            for percent in range(round(100 * low), round(100 * high) + 1)
        }
    reserve = allocation_selectors.dc_reserve_by_store(allocation=allocation)
    for store_row in store_rows:
        store_row.dc_reserve = reserve[store_row.store_id]  # type: ignore[attr-defined]
    view.store_rows = store_rows
    view.replenishment_weeks = replenishment_weeks(
        replenishment_lines(allocation), dc_units=allocation.dc_holdback_units
    )
    view.dc_available = allocation.dc_holdback_units
    view.open.update(
        stores=view.awaiting_action == "approve_manufacturing_order",
        # Once the season closes the report is what needs reading; its weeks stay a click away.
        weeks=allocation.status == AllocationStatus.APPROVED
        and workflow.status != WorkflowStatus.CLOSED,
        replenishment=any(w["status"] == ShipmentStatus.PROPOSED for w in view.replenishment_weeks),
        markdown=view.awaiting_action == "approve_markdown",
        report=workflow.status == WorkflowStatus.CLOSED,
    )
    if allocation.status != AllocationStatus.APPROVED:
        view.margin_range = order_margin_range(
            allocation, shared_selectors.usable_economics(workflow.category_id)
        )
        return
    record = season_record(workflow)
    # The season's own economics (read once, with its policy), not a second read of them.
    view.margin_range = order_margin_range(allocation, record.policy.economics)
    outcomes = season_outcomes(record)
    to_date = season_to_date(record, outcomes)
    view.to_date = to_date
    view.dc_available = to_date.dc_available
    if outcomes:
        weekly = weekly_demand_ahead(outcomes[-1].state.plan, after_week=to_date.week)
        view.cover = {
            "stores": to_date.store_units / weekly if weekly else None,
            "dc": to_date.dc_available / weekly if weekly else None,
        }
    # Each week's clusters and stores are read when a person unfolds them (`week_drill`):
    # rendered for every week on every live update they were most of the page's cost.
    weeks_run = {outcome.week_number for outcome in outcomes}
    for review in reviews:
        review.has_drill = review.week_number in weeks_run  # type: ignore[attr-defined]
    if outcomes and outcomes[-1].report is not None:
        view.report = outcomes[-1].report
    if reviews and original is not None:
        received = [o.state.received_by_stores for o in outcomes]
        view.report_chart = report_chart(reviews, original, received)


def week_drill(workflow: Workflow, week_number: int) -> dict[str, Any] | None:
    """One uploaded week of the season by cluster and store, with the week's flags; None for
    a week not uploaded (or a season without an approved order)."""
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    if allocation is None or allocation.status != AllocationStatus.APPROVED:
        return None
    record = season_record(workflow)
    outcomes = season_outcomes(record)
    if not 1 <= week_number <= len(outcomes):
        return None
    outcome = outcomes[week_number - 1]
    clusters_of = {
        row.store_id: row.cluster.label for row in allocation.store_rows.select_related("cluster")
    }
    return {
        "week_number": week_number,
        "drill": week_drilldown(outcome, record.setup.shares, clusters_of),
        "flags": outcome.flags,
        "cover_weeks": COVER_WEEKS,
    }


def weekly_demand_ahead(plan: Sequence[EngineWeek], *, after_week: int) -> float:
    """The plan's mean weekly units over the COVER_WEEKS after `after_week` (0 past its end):
    what weeks of cover are counted in."""
    ahead = plan[after_week : after_week + COVER_WEEKS]
    return math.fsum(w.units for w in ahead) / len(ahead) if ahead else 0.0


def _versus_plan(sold: float, planned: float) -> float | None:
    return variance(sold, planned) if planned > 0 else None


def week_drilldown(
    outcome: WeekOutcome, shares: Mapping[str, float], clusters_of: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """One week by cluster and by store: sold, the store's share of the week's plan of record,
    the variance (sold above plan = positive), stock at the week's end and its weeks of cover
    at the plan in force's next four weeks."""
    weekly_ahead = weekly_demand_ahead(outcome.state.plan, after_week=outcome.week_number)

    def cover(closing: int, share: float) -> float | None:
        return closing / (share * weekly_ahead) if share * weekly_ahead > 0 else None

    stores: list[dict[str, Any]] = []
    clusters: dict[str, dict[str, Any]] = {}
    for week in sorted(outcome.store_weeks, key=lambda w: w.store_id):
        share = shares.get(week.store_id, 0.0)
        row: dict[str, Any] = {
            "store_id": week.store_id,
            "cluster": clusters_of.get(week.store_id, ""),
            "share": share,
            "sold": week.sold,
            "planned": share * outcome.plan_of_record,
            "closing": week.closing,
        }
        stores.append(row)
        total = clusters.setdefault(
            row["cluster"],
            {
                "cluster": row["cluster"],
                "stores": 0,
                "share": 0.0,
                "sold": 0,
                "planned": 0.0,
                "closing": 0,
            },
        )
        total["stores"] += 1
        for key in ("share", "sold", "planned", "closing"):
            total[key] += row[key]
    for row in [*stores, *clusters.values()]:
        row["variance"] = _versus_plan(row["sold"], row["planned"])
        row["cover"] = cover(row["closing"], row["share"])
    return {"clusters": sorted(clusters.values(), key=lambda c: -c["sold"]), "stores": stores}


def pending_decisions(view: SeasonView) -> list[dict[str, str]]:
    """What waits for a person now, each with where on the page to do it (the season
    header's buttons) and the role that may do it ("approve", "plan" or "view")."""
    workflow = view.workflow
    action = view.awaiting_action
    decisions = []
    if action == "approve_manufacturing_order":
        decisions.append(
            {"label": "Approve the manufacturing order", "href": "#order-form", "role": "approve"}
        )
    if action == "approve_markdown":
        week = workflow.parameters.markdown_checkpoint_week
        decisions.append(
            {
                "label": f"Decide the week {week} markdown",
                "href": "#markdown-form",
                "role": "approve",
            }
        )
    for proposal in view.replenishment_weeks:
        if proposal["status"] == ShipmentStatus.PROPOSED:
            decisions.append(
                {
                    "label": f"Approve week {proposal['week_number']}'s replenishment: "
                    f"{proposal['units']:,} units to {proposal['stores']} stores",
                    "href": f"#replenishment-week-{proposal['week_number']}",
                    "role": "approve",
                }
            )
    if workflow.status == WorkflowStatus.IN_SEASON and view.next_week:
        decisions.append(
            {
                "label": f"Upload week {view.next_week}'s sales",
                "href": "#week-upload",
                "role": "plan",
            }
        )
    if workflow.status == WorkflowStatus.CLOSED:
        decisions.append(
            {"label": "Read the season report", "href": "#report-heading", "role": "view"}
        )
    return decisions


def replenishment_weeks(lines: list[Any], *, dc_units: int) -> list[dict[str, Any]]:
    """Each week's replenishment in summary, newest first: units, stores served, shortfall
    (requested but not shipped), the DC's stock after it, and its lines split into those that
    ship, those that ship nothing (shown only on request) and those a person rejected. A week
    whose every line was rejected is "rejected"."""
    by_week: dict[int, list[Any]] = {}
    for line in lines:
        by_week.setdefault(line.week_number, []).append(line)
    shipped_before = 0
    weeks = []
    for week in sorted(by_week):
        rejected = [line for line in by_week[week] if line.status == ShipmentStatus.REJECTED]
        week_lines = [line for line in by_week[week] if line.status != ShipmentStatus.REJECTED]
        from_dc = sum(line.units for line in week_lines if line.from_store_id is None)
        status = week_lines[0].status if week_lines else ShipmentStatus.REJECTED
        dc_after = dc_units - shipped_before - from_dc
        if status == ShipmentStatus.APPROVED:
            shipped_before += from_dc
        weeks.append(
            {
                "week_number": week,
                "status": status,
                "units": sum(line.units for line in week_lines),
                "stores": sum(1 for line in week_lines if line.units > 0),
                "shortfall": sum(max(0, line.requested_units - line.units) for line in week_lines),
                "partial": sum(1 for line in week_lines if line.is_partial and line.units > 0),
                "dc_after": dc_after,
                "dc_empty": dc_after <= 0,
                "shipping": [line for line in week_lines if line.units > 0],
                "nothing": [line for line in week_lines if line.units == 0],
                "rejected": rejected,
            }
        )
    return weeks[::-1]
