"""The season workflow: a durable state machine over the agent steps (SPEC.md section 4).

The orchestrator is this deterministic code. A workflow's `step` says what runs next; each
step is idempotent (it reuses what an interrupted run already stored), so a workflow resumed
after a restart continues where it stopped. Steps run through `planner.runner` (a background
thread by default); approvals are services the API calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from allocation import fetch as allocation_fetch
from allocation import services as allocation_services
from allocation.choices import AllocationStatus
from allocation.engine.allocation import SAFETY_STOCK_BY_STRATEGY, SAFETY_STOCK_RANGE
from allocation.models import Allocation
from forecasting import services as forecasting_services
from forecasting.engine.types import ForecastError
from forecasting.models import Forecast
from planner.choices import AgentName, WorkflowStatus, WorkflowType
from planner.events import event_publish
from planner.models import Category, SeasonParameters, Workflow
from season_agents.extraction.types import SeasonParameterSet
from season_agents.runtime import (
    Backend,
    CollectedOutcomes,
    StepOutcome,
    StepResult,
    default_backend,
    run_chain,
)

logger = logging.getLogger(__name__)

MANUFACTURING_ACTION = "approve_manufacturing_order"
MARKDOWN_ACTION = "approve_markdown"
PROGRESS = {"orchestrator": 5, "demand": 35, "inventory": 70, "pricing": 95}


class WorkflowConflict(Exception):
    """The workflow is not in a state that allows this request (HTTP 409)."""


def parameters_dict(parameters: SeasonParameters) -> dict[str, Any]:
    return {
        "forecast_horizon_weeks": parameters.forecast_horizon_weeks,
        "season_start_date": parameters.season_start_date.isoformat(),
        "season_end_date": parameters.season_end_date.isoformat(),
        "replenishment_strategy": parameters.replenishment_strategy,
        "dc_holdback_percentage": parameters.dc_holdback_percentage,
        "markdown_checkpoint_week": parameters.markdown_checkpoint_week,
        "markdown_threshold": parameters.markdown_threshold,
    }


def workflow_start_forecast(
    *, category: Category, parameters: SeasonParameterSet, extraction_id: int | None = None
) -> Workflow:
    """Stores the confirmed parameters and a pending pre-season workflow; the steps start
    after commit, in the background."""
    from planner import runner
    from season_agents.models import ParameterExtraction

    with transaction.atomic():
        stored = SeasonParameters.objects.create(
            forecast_horizon_weeks=parameters.forecast_horizon_weeks,
            season_start_date=parameters.season_start_date,
            season_end_date=parameters.season_end_date,
            replenishment_strategy=parameters.replenishment_strategy,
            dc_holdback_percentage=parameters.dc_holdback_percentage,
            markdown_checkpoint_week=parameters.markdown_checkpoint_week,
            markdown_threshold=parameters.markdown_threshold,
            extraction_confidence=parameters.extraction_confidence,
            extraction_reasoning=parameters.extraction_reasoning,
            stated_fields=list(parameters.stated_fields),
            defaulted_fields=list(parameters.defaulted_fields),
        )
        if extraction_id is not None:
            ParameterExtraction.objects.filter(pk=extraction_id).update(parameters=stored)
        workflow = Workflow.objects.create(
            type=WorkflowType.FORECAST, category=category, parameters=stored, step="orchestrator"
        )
        transaction.on_commit(lambda: runner.submit(workflow.pk))
    return workflow


def workflow_update(workflow: Workflow, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(workflow, name, value)
    workflow.save(update_fields=[*fields, "updated_at"])


def _latest_allocation(workflow: Workflow) -> Allocation | None:
    return (
        Allocation.objects.filter(forecast__workflow=workflow, forecast__version=1)
        .order_by("-created_at")
        .first()
    )


# --- the steps ------------------------------------------------------------------------------


def _orchestrator_tool(workflow: Workflow) -> StepResult:
    p = workflow.parameters
    checkpoint = (
        f"markdown check at week {p.markdown_checkpoint_week} below {p.markdown_threshold:.0%} "
        "sell-through"
        if p.markdown_checkpoint_week
        else "no markdown checkpoint"
    )
    summary = {
        "category": workflow.category.name,
        "parameters": parameters_dict(p),
        "plan": [
            "demand forecast",
            "clusters and allocation",
            "manufacturing approval",
            "markdown plan",
        ],
    }
    template = (
        f"Planning {workflow.category.name} for {p.forecast_horizon_weeks} weeks from "
        f"{p.season_start_date}: {p.replenishment_strategy} replenishment, "
        f"{p.dc_holdback_percentage:.0%} DC holdback, {checkpoint}. Demand forecasts next, then "
        "Inventory sizes the order for your approval, then Pricing plans the markdown check."
    )
    return StepResult(summary, None, template)


def _demand_tool(workflow: Workflow) -> StepResult:
    forecast = Forecast.objects.filter(workflow=workflow, version=1).first()
    if forecast is None:
        forecast = forecasting_services.forecast_create(workflow=workflow)
    summary = {
        "forecast_id": forecast.pk,
        "total_units": forecast.total_units,
        "peak_week": forecast.peak_week,
        "prophet_weight": round(forecast.prophet_weight, 3),
        "arima_weight": round(forecast.arima_weight, 3),
        "prophet_total": round(forecast.adjustment["prophet_total"]),
        "arima_total": round(forecast.adjustment["arima_total"]),
        "backtest_wape": forecast.backtest_wape,
        "weighting": forecast.weighting_note,
    }
    backtest = (
        f"; the ensemble's backtest error was {forecast.backtest_wape:.1%} WAPE"
        if forecast.backtest_wape is not None
        else ""
    )
    template = (
        f"Forecast {forecast.total_units:,} units over {forecast.horizon_weeks} weeks, peaking in "
        f"week {forecast.peak_week}. Prophet says {summary['prophet_total']:,} and ARIMA "
        f"{summary['arima_total']:,}; weights {forecast.prophet_weight:.2f}/"
        f"{forecast.arima_weight:.2f} by {forecast.weighting_note}{backtest}."
    )
    return StepResult(summary, float(forecast.total_units), template, payload=forecast)


def allocation_summary(allocation: Allocation) -> dict[str, Any]:
    return {
        "allocation_id": allocation.pk,
        "forecast_id": allocation.forecast_id,
        "manufacturing_qty": allocation.manufacturing_qty,
        "safety_stock_pct": allocation.safety_stock_pct,
        "dc_holdback_units": allocation.dc_holdback_units,
        "store_initial_units": allocation.store_initial_units,
        "clusters": [
            {"label": row.cluster.label, "share": round(row.share, 4), "units": row.initial_units}
            for row in allocation.cluster_rows.select_related("cluster")
        ],
        "silhouette": round(allocation.clustering_run.silhouette, 3),
        "reasoning": allocation.reasoning,
    }


def _inventory_tool(workflow: Workflow, safety_stock_pct: float | None = None) -> StepResult:
    p = workflow.parameters
    forecast = Forecast.objects.get(workflow=workflow, version=1)
    allocation = _latest_allocation(workflow)
    if allocation is None or safety_stock_pct is not None:
        stores = allocation_fetch.store_profiles(workflow.category_id)
        run = (
            allocation.clustering_run
            if allocation is not None
            else allocation_services.clustering_create(stores=stores)
        )
        allocation = allocation_services.allocation_create(
            forecast=forecast,
            run=run,
            safety_stock_pct=safety_stock_pct
            if safety_stock_pct is not None
            else SAFETY_STOCK_BY_STRATEGY[p.replenishment_strategy],
            strategy=p.replenishment_strategy,
            dc_holdback_pct=p.dc_holdback_percentage,
        )
    summary = allocation_summary(allocation)
    return StepResult(
        summary, float(allocation.manufacturing_qty), allocation.reasoning, allocation
    )


def _pricing_tool(workflow: Workflow) -> StepResult:
    p = workflow.parameters
    if p.markdown_checkpoint_week:
        template = (
            f"At week {p.markdown_checkpoint_week} sell-through is compared with the "
            f"{p.markdown_threshold:.0%} target; below it, the markdown is the gap x elasticity "
            f"({settings.PLANNING['DEFAULT_ELASTICITY']:g} by default), in 5-point steps, at most "
            f"{settings.PLANNING['MARKDOWN_CAP']:.0%}, for your approval."
        )
    else:
        template = "No markdown checkpoint is set for this season: prices stay as planned."
    summary = {
        "markdown_checkpoint_week": p.markdown_checkpoint_week,
        "markdown_threshold": p.markdown_threshold,
        "default_elasticity": settings.PLANNING["DEFAULT_ELASTICITY"],
        "markdown_cap": settings.PLANNING["MARKDOWN_CAP"],
    }
    return StepResult(summary, None, template)


AGENT_TOOLS: dict[str, Callable[[Workflow], StepResult]] = {
    AgentName.ORCHESTRATOR: _orchestrator_tool,
    AgentName.DEMAND: _demand_tool,
    AgentName.INVENTORY: _inventory_tool,
    AgentName.PRICING: _pricing_tool,
}
NEXT_STEP = {
    "orchestrator": "demand",
    "demand": "inventory",
    "inventory": "approval",
    "pricing": "done",
}
PRE_APPROVAL = ("orchestrator", "demand", "inventory")


class WorkflowReporter:
    """Streams each agent's start and completion and moves the workflow's step on, so a
    restart resumes after the last completed agent."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow

    def started(self, agent: str) -> None:
        workflow_update(self.workflow, current_agent=agent, status=WorkflowStatus.RUNNING)
        event_publish(workflow=self.workflow, kind="agent_started", agent=agent)

    def completed(self, agent: str, outcome: StepOutcome, seconds: float) -> None:
        with transaction.atomic():
            if outcome.fallback_reason:
                event_publish(
                    workflow=self.workflow,
                    kind="agent_progress",
                    agent=agent,
                    message=f"the model failed ({outcome.fallback_reason}); ran deterministically",
                    progress_pct=PROGRESS[agent],
                )
            event_publish(
                workflow=self.workflow,
                kind="agent_completed",
                agent=agent,
                duration_seconds=round(seconds, 3),
                result={
                    **outcome.result.summary,
                    "reasoning": outcome.reasoning,
                    "mode": outcome.mode,
                },
            )
            workflow_update(self.workflow, progress_pct=PROGRESS[agent], step=NEXT_STEP[agent])


def _tools(workflow: Workflow) -> dict[str, Callable[[], StepResult]]:
    return {agent: partial(tool, workflow) for agent, tool in AGENT_TOOLS.items()}


def ask_approval(
    workflow: Workflow, *, agent: str, action: str, data: dict[str, Any], options: dict[str, Any]
) -> None:
    """Waits for a person. The state is saved first and the message sent after commit, so a
    client that answers at once finds the workflow waiting."""
    with transaction.atomic():
        fields: dict[str, Any] = {
            "status": WorkflowStatus.AWAITING_APPROVAL,
            "awaiting_action": action,
            "current_agent": agent,
        }
        if action == MANUFACTURING_ACTION:
            fields["step"] = "approval"
        workflow_update(workflow, **fields)
        event_publish(
            workflow=workflow,
            kind="human_input_required",
            agent=agent,
            action=action,
            data=data,
            options={"actions": ["accept", "modify"], **options},
        )


def _ask_manufacturing_approval(workflow: Workflow, allocation: Allocation) -> None:
    low, high = SAFETY_STOCK_RANGE
    ask_approval(
        workflow,
        agent=AgentName.INVENTORY,
        action=MANUFACTURING_ACTION,
        data=allocation_summary(allocation),
        options={"safety_stock_pct": {"min": low, "max": high}},
    )


def workflow_advance(workflow_id: int, *, backend: Backend | None = None) -> Workflow:
    """Runs steps until the workflow waits for a person, completes or fails."""
    backend = backend or default_backend()
    workflow = Workflow.objects.select_related("parameters", "category").get(pk=workflow_id)
    if workflow.status in (WorkflowStatus.COMPLETED, WorkflowStatus.FAILED):
        return workflow
    if workflow.started_at is None:
        workflow_update(workflow, started_at=timezone.now(), status=WorkflowStatus.RUNNING)
    agent = workflow.step
    try:
        if workflow.type == WorkflowType.REFORECAST:
            from planner.inseason import reforecast_step

            reforecast_step(workflow)
            return workflow
        parameters = parameters_dict(workflow.parameters)
        if workflow.step in PRE_APPROVAL:
            chain = PRE_APPROVAL[PRE_APPROVAL.index(workflow.step) :]
            run_chain(backend, chain, parameters, _tools(workflow), WorkflowReporter(workflow))
            allocation = _latest_allocation(workflow)
            assert allocation is not None
            _ask_manufacturing_approval(workflow, allocation)
        elif workflow.step == "pricing":
            run_chain(
                backend, ["pricing"], parameters, _tools(workflow), WorkflowReporter(workflow)
            )
            workflow_finish(workflow, result=_headline(workflow))
    except ForecastError as exc:
        workflow_fail(workflow, workflow.current_agent or agent, str(exc))
    except (OperationalError, InterfaceError):
        # The database, not the step, failed: nothing of the step was committed, the workflow
        # stays running at this step, and the runner retries it.
        raise
    except Exception as exc:
        logger.exception("workflow %s failed in %s", workflow.pk, workflow.current_agent)
        workflow_fail(workflow, workflow.current_agent or agent, f"{type(exc).__name__}: {exc}")
    return workflow


def _headline(workflow: Workflow) -> dict[str, Any]:
    allocation = _latest_allocation(workflow)
    return {
        "forecast_id": allocation.forecast_id if allocation else None,
        "allocation_id": allocation.pk if allocation else None,
        "total_units": allocation.forecast.total_units if allocation else None,
        "manufacturing_qty": allocation.manufacturing_qty if allocation else None,
    }


def workflow_finish(workflow: Workflow, *, result: dict[str, Any]) -> None:
    finished = timezone.now()
    started = workflow.started_at or workflow.created_at
    with transaction.atomic():
        workflow_update(
            workflow,
            status=WorkflowStatus.COMPLETED,
            step="done",
            progress_pct=100,
            finished_at=finished,
            awaiting_action="",
            current_agent="",
        )
        event_publish(
            workflow=workflow,
            kind="workflow_complete",
            duration_seconds=round((finished - started).total_seconds(), 3),
            result=result,
        )


def workflow_fail(workflow: Workflow, agent: str, message: str) -> None:
    with transaction.atomic():
        workflow_update(
            workflow, status=WorkflowStatus.FAILED, error=message, finished_at=timezone.now()
        )
        event_publish(
            workflow=workflow,
            kind="error",
            agent=agent if agent in AgentName.values else AgentName.ORCHESTRATOR,
            error_message=message,
        )


# --- approvals ------------------------------------------------------------------------------


def workflow_awaiting(workflow_id: int, action: str) -> Workflow:
    try:
        workflow = Workflow.objects.select_related("parameters", "category").get(pk=workflow_id)
    except Workflow.DoesNotExist:
        raise Workflow.DoesNotExist(f"No workflow with id {workflow_id}.") from None
    if workflow.status != WorkflowStatus.AWAITING_APPROVAL or workflow.awaiting_action != action:
        waiting = (
            f"waits for {workflow.awaiting_action}"
            if workflow.awaiting_action
            else ("waits for nothing")
        )
        raise WorkflowConflict(
            f"Workflow {workflow_id} is {workflow.status} and {waiting}; "
            f"{action} cannot be done now."
        )
    return workflow


def approve_manufacturing(
    *, workflow_id: int, action: str, safety_stock_pct: float | None = None
) -> Workflow:
    """`modify` recomputes quantity and allocation at a new safety stock (nothing committed);
    `accept` commits the order and resumes the workflow."""
    from planner import runner

    with transaction.atomic():
        workflow = workflow_awaiting(workflow_id, MANUFACTURING_ACTION)
        if action == "modify":
            if safety_stock_pct is None:
                raise ValueError("modify needs safety_stock_pct (0.10-0.30)")
            result = _inventory_tool(workflow, safety_stock_pct=safety_stock_pct)
            event_publish(
                workflow=workflow,
                kind="agent_progress",
                agent=AgentName.INVENTORY,
                message=f"safety stock changed to {safety_stock_pct:.0%}: "
                f"{result.payload.manufacturing_qty:,} units",
                progress_pct=PROGRESS["inventory"],
            )
            _ask_manufacturing_approval(workflow, result.payload)
            return workflow
        allocation = _latest_allocation(workflow)
        assert allocation is not None and allocation.status == AllocationStatus.PROPOSED
        allocation_services.allocation_approve(allocation=allocation)
        workflow_update(workflow, status=WorkflowStatus.RUNNING, awaiting_action="", step="pricing")
        transaction.on_commit(lambda: runner.submit(workflow.pk))
    return workflow


def agent_step_run(
    *, workflow_id: int, agent: str, backend: Backend | None = None
) -> dict[str, Any]:
    """Runs one agent's step of a workflow directly (for debugging and integrations), outside
    the state machine: the step's results are reused if they exist, nothing is approved."""
    workflow = (
        Workflow.objects.select_related("parameters", "category").filter(pk=workflow_id).first()
    )
    if workflow is None:
        raise Workflow.DoesNotExist(f"No workflow with id {workflow_id}.")
    if agent == AgentName.INVENTORY and not Forecast.objects.filter(workflow=workflow).exists():
        raise WorkflowConflict(f"Workflow {workflow_id} has no forecast yet; run demand first.")
    collected = CollectedOutcomes()
    run_chain(
        backend or default_backend(),
        [agent],
        parameters_dict(workflow.parameters),
        _tools(workflow),
        collected,
    )
    outcome = collected.outcomes[agent]
    return {
        "workflow_id": workflow_id,
        "agent": agent,
        "mode": outcome.mode,
        "fallback_reason": outcome.fallback_reason,
        "reasoning": outcome.reasoning,
        "result": outcome.result.summary,
    }
