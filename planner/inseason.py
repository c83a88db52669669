"""In-season use cases: weekly actuals, variance and re-forecasts, replenishment, markdowns,
the season report (SPEC.md section 4, in-season)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from allocation import services as allocation_services
from allocation.choices import AllocationStatus, ShipmentKind, ShipmentStatus
from allocation.engine.replenishment import (
    LedgerWeek,
    cadence_weeks,
    period_weeks,
    plan_replenishment,
    store_ledger,
)
from allocation.models import Allocation
from forecasting import fetch as forecasting_fetch
from forecasting import selectors as forecasting_selectors
from forecasting import services as forecasting_services
from forecasting.engine.variance import check_variance
from forecasting.models import Forecast
from markdowns.choices import MarkdownStatus
from markdowns.engine.markdown import ELASTICITY_RANGE, recommend_markdown, sell_through
from markdowns.models import MarkdownDecision
from planner.choices import AgentName, WorkflowStatus, WorkflowType
from planner.engine.report import SeasonReport, season_report
from planner.events import event_publish
from planner.imports import check_weekly_actuals, read_csv
from planner.models import WeeklyActual, WeekReview, Workflow
from planner.workflows import (
    MARKDOWN_ACTION,
    WorkflowConflict,
    ask_approval,
    workflow_awaiting,
    workflow_finish,
    workflow_update,
)


def _season(workflow_id: int) -> tuple[Workflow, Allocation]:
    try:
        workflow = Workflow.objects.select_related("parameters", "category").get(pk=workflow_id)
    except Workflow.DoesNotExist:
        raise Workflow.DoesNotExist(f"No workflow with id {workflow_id}.") from None
    if workflow.type != WorkflowType.FORECAST:
        raise WorkflowConflict(
            f"Workflow {workflow_id} is a {workflow.type}; in-season data belongs to its season "
            f"workflow {workflow.parent_id}."
        )
    allocation = Allocation.objects.filter(
        forecast__workflow=workflow, status=AllocationStatus.APPROVED
    ).first()
    if allocation is None:
        raise WorkflowConflict(
            f"Workflow {workflow_id} has no approved manufacturing order yet; approve it before "
            "uploading in-season sales."
        )
    return workflow, allocation


def _plan_first_week(forecast: Forecast) -> int:
    return int(forecast.adjustment.get("plan_first_week", 1))


def ledgers(
    workflow: Workflow, allocation: Allocation, through_week: int
) -> dict[str, list[LedgerWeek]]:
    """Each store's weeks 1..through_week from approved shipments and the actuals."""
    received: dict[str, dict[int, int]] = defaultdict(dict)
    for store_id, week, units in allocation.shipments.filter(
        status=ShipmentStatus.APPROVED, week_number__lte=through_week
    ).values_list("store_id", "week_number", "units"):
        received[store_id][week] = received[store_id].get(week, 0) + units
    for source, week, units in allocation.shipments.filter(
        status=ShipmentStatus.APPROVED, kind=ShipmentKind.TRANSFER, week_number__lte=through_week
    ).values_list("from_store_id", "week_number", "units"):
        received[source][week] = received[source].get(week, 0) - units
    sold: dict[str, list[int]] = defaultdict(lambda: [0] * through_week)
    for store_id, week, units in WeeklyActual.objects.filter(
        workflow=workflow, week_number__lte=through_week
    ).values_list("store_id", "week_number", "units_sold"):
        sold[store_id][week - 1] = units
    stores = allocation.store_rows.values_list("store_id", flat=True)
    return {s: store_ledger(received[s], sold[s]) for s in stores}


def weekly_sales_upload(
    *, workflow_id: int, week_number: int, raw: bytes, replace: bool = False
) -> dict[str, Any]:
    """Stores week N's actuals and runs the week: ledger, variance (maybe a re-forecast
    workflow), the replenishment proposal, the markdown at the checkpoint, the report after
    the last week. Weeks go in order; a week already uploaded needs `replace`."""
    started = time.perf_counter()
    workflow, allocation = _season(workflow_id)
    p = workflow.parameters
    if not 1 <= week_number <= p.forecast_horizon_weeks:
        raise WorkflowConflict(
            f"The season has weeks 1-{p.forecast_horizon_weeks}, not {week_number}."
        )
    uploaded = set(
        WeeklyActual.objects.filter(workflow=workflow).values_list("week_number", flat=True)
    )
    if week_number in uploaded and not replace:
        raise WorkflowConflict(
            f"Week {week_number} is already uploaded; send replace=true to replace it."
        )
    missing = [w for w in range(1, week_number) if w not in uploaded]
    if missing:
        raise WorkflowConflict(f"Upload week {missing[0]} first: weeks go in order.")
    store_ids = set(allocation.store_rows.values_list("store_id", flat=True))
    units = check_weekly_actuals(
        read_csv(raw, what="weekly sales", max_bytes=settings.UPLOAD_MAX_BYTES),
        store_ids=store_ids,
        week_number=week_number,
        week_start=p.season_start_date + dt.timedelta(days=7 * (week_number - 1)),
    )
    with transaction.atomic():
        WeeklyActual.objects.filter(workflow=workflow, week_number=week_number).delete()
        WeeklyActual.objects.bulk_create(
            WeeklyActual(workflow=workflow, week_number=week_number, store_id=s, units_sold=u)
            for s, u in units.items()
        )
        outcome = _run_week(workflow, allocation, week_number)
    outcome["seconds"] = round(time.perf_counter() - started, 3)
    return outcome


def _weekly_totals(workflow: Workflow, through_week: int) -> list[float]:
    totals = dict(
        WeeklyActual.objects.filter(workflow=workflow, week_number__lte=through_week)
        .values("week_number")
        .annotate(units=Sum("units_sold"))
        .values_list("week_number", "units")
    )
    return [float(totals.get(w, 0)) for w in range(1, through_week + 1)]


def _run_week(workflow: Workflow, allocation: Allocation, week: int) -> dict[str, Any]:
    p = workflow.parameters
    plan = forecasting_selectors.latest_forecast_for(workflow_id=workflow.pk)
    assert plan is not None
    totals = _weekly_totals(workflow, week)
    reforecasts_done = workflow.reforecasts.count()
    check = check_variance(
        plan=[w.units for w in plan.weeks.order_by("week_number")],
        actuals=totals,
        plan_first_week=min(_plan_first_week(plan), week),
        horizon_weeks=p.forecast_horizon_weeks,
        reforecasts_done=reforecasts_done,
        threshold=settings.PLANNING["VARIANCE_THRESHOLD"],
        max_reforecasts=settings.PLANNING["MAX_REFORECASTS"],
    )
    actions: list[str] = []
    reforecast = None
    if check.reforecast:
        reforecast = reforecast_start(
            season=workflow, reason=f"week {week}: {check.reason}", through_week=week
        )
        actions.append(f"started re-forecast workflow {reforecast.pk}")
    review, _ = WeekReview.objects.update_or_create(
        workflow=workflow,
        week_number=week,
        defaults={
            "forecast": plan,
            "actual_units": round(totals[-1]),
            "forecast_units": check.weekly_forecast,
            "weekly_variance": check.weekly_variance,
            "cumulative_variance": check.cumulative_variance,
            "weekly_band": check.weekly_band,
            "cumulative_band": check.cumulative_band,
            "reforecast_triggered": check.reforecast,
            "reason": check.reason,
            "reforecast_workflow": reforecast,
        },
    )
    event_publish(
        workflow=workflow,
        kind="agent_progress",
        agent=AgentName.DEMAND,
        message=f"week {week}: {check.weekly_variance:+.1%} this week, "
        f"{check.cumulative_variance:+.1%} cumulative ({check.cumulative_band}); {check.reason}",
        progress_pct=round(100 * week / p.forecast_horizon_weeks),
    )
    replenishment = _replenish(workflow, allocation, plan, week)
    if replenishment and replenishment["units"]:
        actions.append(
            f"proposed {replenishment['units']:,} units to {replenishment['stores']} stores for "
            f"week {replenishment['week_number']}"
        )
    markdown = None
    if week == p.markdown_checkpoint_week and p.markdown_threshold is not None:
        markdown = _markdown_checkpoint(workflow, allocation, plan, week)
        actions.append(
            f"recommended a {markdown.recommended_pct:.0%} markdown"
            if markdown.recommended_pct
            else "no markdown needed"
        )
    report = None
    if week == p.forecast_horizon_weeks:
        report = season_report_dict(workflow)
        actions.append("season report ready")
    review.actions = actions
    review.save(update_fields=["actions"])
    return {
        "workflow_id": workflow.pk,
        "week_number": week,
        "variance": {
            "actual_units": review.actual_units,
            "forecast_units": round(check.weekly_forecast, 1),
            "weekly_variance": check.weekly_variance,
            "weekly_band": check.weekly_band,
            "cumulative_variance": check.cumulative_variance,
            "cumulative_band": check.cumulative_band,
            "reforecast": check.reforecast,
            "reason": check.reason,
        },
        "reforecast_workflow_id": reforecast.pk if reforecast else None,
        "replenishment": replenishment,
        "markdown_id": markdown.pk if markdown else None,
        "report": report,
        "actions": actions,
    }


def _replenish(
    workflow: Workflow, allocation: Allocation, plan: Forecast, week: int
) -> dict[str, Any] | None:
    p = workflow.parameters
    next_week = week + 1
    if next_week not in cadence_weeks(p.replenishment_strategy, p.forecast_horizon_weeks):
        return None
    shipped = (
        allocation.shipments.filter(kind=ShipmentKind.REPLENISHMENT)
        .exclude(status=ShipmentStatus.REJECTED)
        .aggregate(units=Sum("units"))["units"]
        or 0
    )
    dc_available = allocation.dc_holdback_units - shipped
    if dc_available <= 0:
        return None
    period = period_weeks(p.replenishment_strategy, next_week, p.forecast_horizon_weeks)
    window = plan.weeks.filter(week_number__gte=next_week, week_number__lt=next_week + period)
    demand = sum(w.units for w in window)
    shares = dict(allocation.store_rows.values_list("store_id", "season_share"))
    store_ledgers = ledgers(workflow, allocation, week)
    proposal = plan_replenishment(
        week_number=next_week,
        period=period,
        expected_demand={s: share * demand for s, share in shares.items()},
        on_hand={s: weeks[-1].closing for s, weeks in store_ledgers.items()},
        dc_available=dc_available,
        safety_stock_pct=allocation.safety_stock_pct,
    )
    approve = settings.AUTO_APPROVE_REPLENISHMENT
    allocation_services.replenishment_propose(allocation=allocation, plan=proposal, approve=approve)
    summary = {
        "week_number": next_week,
        "units": proposal.shipped_units,
        "stores": sum(1 for line in proposal.lines if line.units),
        "partial_shipments": sum(1 for line in proposal.lines if line.is_partial),
        "dc_available_after": proposal.dc_available_after,
        "status": ShipmentStatus.APPROVED if approve else ShipmentStatus.PROPOSED,
        "note": proposal.note,
    }
    if proposal.shipped_units:
        event_publish(
            workflow=workflow,
            kind="agent_completed",
            agent=AgentName.INVENTORY,
            duration_seconds=0.0,
            result={"replenishment": summary},
        )
    return summary


def _markdown_checkpoint(
    workflow: Workflow, allocation: Allocation, plan: Forecast, week: int
) -> MarkdownDecision:
    p = workflow.parameters
    store_ledgers = ledgers(workflow, allocation, week)
    sold = sum(entry.sold for weeks in store_ledgers.values() for entry in weeks)
    received = allocation.store_initial_units + (
        allocation.shipments.filter(
            kind=ShipmentKind.REPLENISHMENT, status=ShipmentStatus.APPROVED, week_number__lte=week
        ).aggregate(units=Sum("units"))["units"]
        or 0
    )
    recommendation = recommend_markdown(
        sell_through=sell_through(sold, received),
        target=p.markdown_threshold or 0.0,
        elasticity=settings.PLANNING["DEFAULT_ELASTICITY"],
        cap=settings.PLANNING["MARKDOWN_CAP"],
        lift_per_point=settings.PLANNING["MARKDOWN_LIFT_PER_POINT"],
    )
    decision, _ = MarkdownDecision.objects.update_or_create(
        forecast=forecasting_selectors.root_forecast(plan),
        week_number=week,
        defaults={
            "sell_through": recommendation.sell_through,
            "target_sell_through": recommendation.target,
            "gap": recommendation.gap,
            "elasticity": recommendation.elasticity,
            "recommended_pct": recommendation.markdown_pct,
            "expected_lift": recommendation.expected_lift,
            "reasoning": recommendation.reasoning,
            "status": MarkdownStatus.PENDING
            if recommendation.markdown_pct
            else MarkdownStatus.APPLIED,
        },
    )
    if recommendation.markdown_pct:
        _ask_markdown_approval(workflow, decision)
    else:
        event_publish(
            workflow=workflow,
            kind="agent_completed",
            agent=AgentName.PRICING,
            duration_seconds=0.0,
            result={
                "markdown_id": decision.pk,
                "recommended_pct": 0.0,
                "reasoning": decision.reasoning,
            },
        )
    return decision


def _ask_markdown_approval(workflow: Workflow, decision: MarkdownDecision) -> None:
    low, high = ELASTICITY_RANGE
    ask_approval(
        workflow,
        agent=AgentName.PRICING,
        action=MARKDOWN_ACTION,
        data=markdown_summary(decision),
        options={"elasticity_coefficient": {"min": low, "max": high}},
    )


def markdown_summary(decision: MarkdownDecision) -> dict[str, Any]:
    return {
        "markdown_id": decision.pk,
        "week_number": decision.week_number,
        "sell_through": decision.sell_through,
        "target_sell_through": decision.target_sell_through,
        "gap": decision.gap,
        "elasticity": decision.elasticity,
        "recommended_pct": decision.recommended_pct,
        "expected_lift": decision.expected_lift,
        "reasoning": decision.reasoning,
        "status": decision.status,
    }


def approve_markdown(
    *, workflow_id: int, action: str, elasticity: float | None = None
) -> MarkdownDecision:
    """`modify` recomputes the markdown at another elasticity (1.0-3.0); `accept` approves it,
    applies it to every store and re-forecasts the remaining weeks with its expected lift."""
    with transaction.atomic():
        workflow = workflow_awaiting(workflow_id, MARKDOWN_ACTION)
        decision = MarkdownDecision.objects.filter(
            forecast__workflow=workflow, status=MarkdownStatus.PENDING
        ).get()
        if action == "modify":
            if elasticity is None:
                raise ValueError("modify needs elasticity_coefficient (1.0-3.0)")
            recommendation = recommend_markdown(
                sell_through=decision.sell_through,
                target=decision.target_sell_through,
                elasticity=elasticity,
                cap=settings.PLANNING["MARKDOWN_CAP"],
                lift_per_point=settings.PLANNING["MARKDOWN_LIFT_PER_POINT"],
            )
            decision.elasticity = elasticity
            decision.recommended_pct = recommendation.markdown_pct
            decision.expected_lift = recommendation.expected_lift
            decision.reasoning = recommendation.reasoning
            decision.save()
            _ask_markdown_approval(workflow, decision)
            return decision
        decision.status = MarkdownStatus.APPROVED
        decision.approved_at = timezone.now()
        decision.save(update_fields=["status", "approved_at"])
        plan = forecasting_selectors.latest_forecast_for(workflow_id=workflow.pk)
        assert plan is not None
        lifted = forecasting_services.forecast_apply_markdown(
            parent=plan,
            workflow=workflow,
            from_week=decision.week_number + 1,
            lift=decision.expected_lift,
        )
        decision.status = MarkdownStatus.APPLIED
        decision.save(update_fields=["status"])
        event_publish(
            workflow=workflow,
            kind="agent_completed",
            agent=AgentName.PRICING,
            duration_seconds=0.0,
            result={
                **markdown_summary(decision),
                "forecast_id": lifted.pk,
                "total_units": lifted.total_units,
            },
        )
        workflow_update(
            workflow, status=WorkflowStatus.COMPLETED, awaiting_action="", current_agent=""
        )
    return decision


def approve_replenishment(*, workflow_id: int, week_number: int) -> int:
    _, allocation = _season(workflow_id)
    approved = allocation_services.replenishment_approve(
        allocation=allocation, week_number=week_number
    )
    if not approved:
        raise WorkflowConflict(
            f"Workflow {workflow_id} has no proposed replenishment for week {week_number}."
        )
    return approved


# --- re-forecasts ---------------------------------------------------------------------------


def reforecast_start(*, season: Workflow, reason: str, through_week: int | None = None) -> Workflow:
    """A reforecast workflow of the season's observed weeks; it runs after commit."""
    from planner import runner

    if through_week is None:
        through_week = (
            WeeklyActual.objects.filter(workflow=season)
            .order_by("-week_number")
            .values_list("week_number", flat=True)
            .first()
            or 0
        )
    if through_week < 1:
        raise WorkflowConflict(f"Workflow {season.pk} has no actuals yet; nothing to re-forecast.")
    workflow = Workflow.objects.create(
        type=WorkflowType.REFORECAST,
        category=season.category,
        parameters=season.parameters,
        parent=season,
        reason=reason,
        observed_weeks=through_week,
        step="demand",
    )
    transaction.on_commit(lambda: runner.submit(workflow.pk))
    return workflow


def reforecast_step(workflow: Workflow) -> None:
    """The reforecast workflow's one step: the Bayesian update as a new forecast version."""
    started = time.perf_counter()
    season = workflow.parent
    assert season is not None
    workflow_update(workflow, current_agent=AgentName.DEMAND, status=WorkflowStatus.RUNNING)
    event_publish(workflow=workflow, kind="agent_started", agent=AgentName.DEMAND)
    plan = forecasting_selectors.latest_forecast_for(workflow_id=season.pk)
    assert plan is not None
    totals = _weekly_totals(season, workflow.observed_weeks or 0)
    forecast, level = forecasting_services.forecast_reforecast(
        parent=plan,
        workflow=workflow,
        expected=forecasting_selectors.expected_weeks(plan),
        actuals=totals,
    )
    forecast.adjustment["plan_first_week"] = len(totals) + 1
    forecast.save(update_fields=["adjustment"])
    result = {
        "forecast_id": forecast.pk,
        "version": forecast.version,
        "total_units": forecast.total_units,
        "observed_weeks": level.observed_weeks,
        "adjustment_factor": round(level.adjustment_factor, 4),
        "prior_weight": round(level.prior_weight, 4),
        "likelihood_weight": round(level.likelihood_weight, 4),
        "reason": workflow.reason,
        "mode": "deterministic",
    }
    event_publish(
        workflow=workflow,
        kind="agent_completed",
        agent=AgentName.DEMAND,
        duration_seconds=round(time.perf_counter() - started, 3),
        result=result,
    )
    workflow_finish(workflow, result=result)


# --- the report -----------------------------------------------------------------------------


def season_report_for(workflow: Workflow) -> SeasonReport | None:
    """The season report from what the database holds; None before any actuals."""
    allocation = Allocation.objects.filter(
        forecast__workflow=workflow, status=AllocationStatus.APPROVED
    ).first()
    weeks = WeeklyActual.objects.filter(workflow=workflow).values("week_number").distinct().count()
    if allocation is None or weeks == 0:
        return None
    original = Forecast.objects.get(workflow=workflow, version=1)
    store_ledgers = ledgers(workflow, allocation, weeks)
    replenished = (
        allocation.shipments.filter(
            kind=ShipmentKind.REPLENISHMENT, status=ShipmentStatus.APPROVED
        ).aggregate(units=Sum("units"))["units"]
        or 0
    )
    return season_report(
        actual=_weekly_totals(workflow, weeks),
        original_plan=[w.units for w in forecasting_fetch.forecast_weeks(original)[:weeks]],
        in_season_plan=list(
            WeekReview.objects.filter(workflow=workflow)
            .order_by("week_number")
            .values_list("forecast_units", flat=True)
        ),
        units_received_by_stores=allocation.store_initial_units + replenished,
        manufactured=allocation.manufacturing_qty,
        stockout_store_weeks=sum(1 for ws in store_ledgers.values() for w in ws if w.stockout),
        store_weeks=len(store_ledgers) * weeks,
        leftover_store_units=sum(ws[-1].closing for ws in store_ledgers.values()),
        leftover_dc_units=allocation.dc_holdback_units - replenished,
        dc_holdback_units=allocation.dc_holdback_units,
        safety_stock_pct=allocation.safety_stock_pct,
        reforecast_weeks=list(
            WeekReview.objects.filter(workflow=workflow, reforecast_triggered=True).values_list(
                "week_number", flat=True
            )
        ),
        markdowns=list(
            MarkdownDecision.objects.filter(
                forecast__workflow=workflow, status=MarkdownStatus.APPLIED, recommended_pct__gt=0
            ).values_list("week_number", "recommended_pct")
        ),
    )


def season_report_dict(workflow: Workflow) -> dict[str, Any] | None:
    report = season_report_for(workflow)
    if report is None:
        return None
    from dataclasses import asdict

    return asdict(report)


def workflow_results(workflow: Workflow) -> dict[str, Any]:
    """Ids and headline figures of what a workflow produced, for GET .../results."""
    forecasts = list(
        Forecast.objects.filter(workflow=workflow)
        .order_by("version")
        .values("id", "version", "method", "total_units")
    )
    result: dict[str, Any] = {
        "workflow_id": workflow.pk,
        "type": workflow.type,
        "status": workflow.status,
        "forecasts": forecasts,
    }
    if workflow.type == WorkflowType.REFORECAST:
        result["season_workflow_id"] = workflow.parent_id
        return result
    allocation = (
        Allocation.objects.filter(forecast__workflow=workflow, forecast__version=1)
        .order_by("-created_at")
        .first()
    )
    latest = forecasting_selectors.latest_forecast_for(workflow_id=workflow.pk)
    result.update(
        {
            "current_forecast_id": latest.pk if latest else None,
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
            "reforecast_workflow_ids": list(workflow.reforecasts.values_list("pk", flat=True)),
            "weeks_uploaded": WeekReview.objects.filter(workflow=workflow).count(),
            "markdowns": [
                markdown_summary(d)
                for d in MarkdownDecision.objects.filter(forecast__workflow=workflow)
            ],
            "report": season_report_dict(workflow),
        }
    )
    return result
