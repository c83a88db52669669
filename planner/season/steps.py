"""The pre-season steps the runner executes: the agent chain Orchestrator -> Demand ->
Inventory, then (after the order is accepted) Pricing.

The orchestrator is this deterministic code. While planning, `current_agent` names the agent
running or next to run and moves on as each one completes, so a workflow resumed after a
restart continues after the last completed agent; each step reuses what an interrupted run
already stored.
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
from allocation import selectors as allocation_selectors
from allocation import services as allocation_services
from allocation.engine.allocation import SAFETY_STOCK_RANGE
from allocation.engine.replenishment import replenishment_words
from allocation.models import Allocation
from forecasting import services as forecasting_services
from forecasting.engine.members import MEMBER_LABELS
from forecasting.engine.types import ForecastError, Season
from forecasting.models import Forecast
from planner.choices import AgentName
from planner.models import SeasonParameters, Workflow
from planner.realtime.events import event_publish
from planner.season.policy import safety_stock_for
from planner.season.states import AWAITING_ACTION, SeasonConflict, transition
from season_agents.runtime import Backend, StepOutcome, StepResult, default_backend, run_chain
from shared.choices import WorkflowStatus as S

logger = logging.getLogger(__name__)

MANUFACTURING_ACTION = AWAITING_ACTION[S.AWAITING_ORDER]
PROGRESS = {"orchestrator": 5, "demand": 35, "inventory": 70, "pricing": 95}
PRE_APPROVAL = (AgentName.ORCHESTRATOR, AgentName.DEMAND, AgentName.INVENTORY)
NEXT_AGENT = {
    AgentName.ORCHESTRATOR: AgentName.DEMAND,
    AgentName.DEMAND: AgentName.INVENTORY,
    AgentName.INVENTORY: AgentName.INVENTORY,  # then the order approval
    AgentName.PRICING: AgentName.PRICING,
}


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


# --- the agents' tools ----------------------------------------------------------------------


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
        f"{p.season_start_date}: {replenishment_words(p.replenishment_strategy)}, "
        f"{p.dc_holdback_percentage:.0%} DC holdback, {checkpoint}. Demand forecasts next, then "
        "Inventory sizes the order for your approval, then Pricing plans the markdown check."
    )
    return StepResult(summary, None, template)


def still_running(workflow: Workflow) -> None:
    """Raises SeasonConflict when the season was stopped (cancelled, or failed):
    the guard of the transaction that stores a step's result, run after the writes, so a
    cancel that came first rolls the result back and one that comes later finds it stored."""
    status = (
        Workflow.objects.select_for_update().values_list("status", flat=True).get(pk=workflow.pk)
    )
    if status in (S.CANCELLED, S.FAILED):
        raise SeasonConflict(f"Season {workflow.pk} is {S(status).label.lower()}: the step stops.")


def _demand_tool(workflow: Workflow) -> StepResult:
    forecast = Forecast.objects.filter(workflow=workflow, version=1).first()
    if forecast is None:
        parameters = workflow.parameters
        forecast = forecasting_services.forecast_create(
            workflow_id=workflow.pk,
            category=workflow.category,
            season=Season(parameters.season_start_date, parameters.forecast_horizon_weeks),
            guard=partial(still_running, workflow),
        )
    member_totals: dict[str, int] = {
        name: round(total) for name, total in forecast.adjustment["member_totals"].items()
    }
    summary = {
        "forecast_id": forecast.pk,
        "total_units": forecast.total_units,
        "peak_week": forecast.peak_week,
        "weights": {name: round(weight, 3) for name, weight in forecast.weights.items()},
        "member_totals": member_totals,
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
        f"week {forecast.peak_week}. The members say "
        + ", ".join(
            f"{MEMBER_LABELS.get(name, name)} {total:,}" for name, total in member_totals.items()
        )
        + f"; weights {forecast.weights_text}: {forecast.weighting_note}{backtest}."
    )
    return StepResult(summary, float(forecast.total_units), template, payload=forecast)


def inventory_tool(workflow: Workflow, safety_stock_pct: float | None = None) -> StepResult:
    p = workflow.parameters
    forecast = Forecast.objects.get(workflow=workflow, version=1)
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    if allocation is None or safety_stock_pct is not None:
        stores = allocation_fetch.store_profiles(
            workflow.category_id,
            season_start=p.season_start_date,
            season_weeks=p.forecast_horizon_weeks,
        )
        run = (
            allocation.clustering_run
            if allocation is not None
            else allocation_services.clustering_create(
                stores=stores, k=settings.PLANNING["CLUSTERS"]
            )
        )
        allocation = allocation_services.allocation_create(
            forecast=forecast,
            run=run,
            safety_stock_pct=safety_stock_pct
            if safety_stock_pct is not None
            else safety_stock_for(p.replenishment_strategy),
            strategy=p.replenishment_strategy,
            dc_holdback_pct=p.dc_holdback_percentage,
            guard=partial(still_running, workflow),
            stores=stores,
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


AGENT_TOOLS: dict[str, Callable[..., StepResult]] = {
    AgentName.ORCHESTRATOR: _orchestrator_tool,
    AgentName.DEMAND: _demand_tool,
    AgentName.INVENTORY: inventory_tool,
    AgentName.PRICING: _pricing_tool,
}


def agent_tools(workflow: Workflow) -> dict[str, Callable[[], StepResult]]:
    return {agent: partial(tool, workflow) for agent, tool in AGENT_TOOLS.items()}


class WorkflowReporter:
    """Streams each agent's start and completion and moves `current_agent` on, so a restart
    resumes after the last completed agent."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow

    def started(self, agent: str) -> None:
        with transaction.atomic():
            still_running(self.workflow)
            self.workflow.current_agent = agent
            self.workflow.save(update_fields=["current_agent", "updated_at"])
            event_publish(workflow=self.workflow, kind="agent_started", agent=agent)

    def completed(self, agent: str, outcome: StepOutcome, seconds: float) -> None:
        with transaction.atomic():
            still_running(self.workflow)
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
            self.workflow.current_agent = NEXT_AGENT[AgentName(agent)]
            self.workflow.progress_pct = PROGRESS[agent]
            self.workflow.save(update_fields=["current_agent", "progress_pct", "updated_at"])


def ask_order_approval(workflow: Workflow, allocation: Allocation) -> None:
    """Streams the order for a person's approval (the status says the season waits)."""
    low, high = SAFETY_STOCK_RANGE
    event_publish(
        workflow=workflow,
        kind="human_input_required",
        agent=AgentName.INVENTORY,
        action=MANUFACTURING_ACTION,
        data=allocation_summary(allocation),
        options={"actions": ["accept", "modify"], "safety_stock_pct": {"min": low, "max": high}},
    )


def workflow_advance(workflow_id: int, *, backend: Backend | None = None) -> Workflow:
    """Runs steps until the season waits for a person, starts its weeks or fails."""
    backend = backend or default_backend()
    workflow = Workflow.objects.select_related("parameters", "category").get(pk=workflow_id)
    if workflow.status == S.PENDING:
        with transaction.atomic():
            transition(
                workflow,
                "start",
                started_at=timezone.now(),
                current_agent=workflow.current_agent or AgentName.ORCHESTRATOR,
            )
    if workflow.status not in (S.PLANNING, S.PRICING):
        return workflow
    agent = workflow.current_agent or AgentName.ORCHESTRATOR
    try:
        parameters = parameters_dict(workflow.parameters)
        reporter = WorkflowReporter(workflow)
        if workflow.status == S.PLANNING:
            chain = PRE_APPROVAL[PRE_APPROVAL.index(AgentName(agent)) :]
            run_chain(backend, chain, parameters, agent_tools(workflow), reporter)
            allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
            if allocation is None:
                raise RuntimeError("the Inventory step stored no allocation")
            with transaction.atomic():
                transition(workflow, "plan_ready")
                ask_order_approval(workflow, allocation)
        else:
            run_chain(backend, [AgentName.PRICING], parameters, agent_tools(workflow), reporter)
            with transaction.atomic():
                transition(workflow, "priced", progress_pct=0)
                event_publish(
                    workflow=workflow,
                    kind="agent_progress",
                    agent=AgentName.ORCHESTRATOR,
                    message="the order is placed: the season starts; upload week 1's sales "
                    "when it is over",
                    progress_pct=0,
                )
    except ForecastError as exc:
        workflow_fail(workflow, workflow.current_agent or agent, str(exc))
    except SeasonConflict as exc:
        # The season moved on while the step ran (it was cancelled): nothing more to do.
        logger.info("workflow %s stopped: %s", workflow.pk, exc)
    except (OperationalError, InterfaceError):
        # The database, not the step, failed: nothing of the step was committed, the season
        # stays at its step, and the runner retries it.
        raise
    except Exception as exc:
        logger.exception("workflow %s failed in %s", workflow.pk, workflow.current_agent)
        workflow_fail(workflow, workflow.current_agent or agent, f"{type(exc).__name__}: {exc}")
    return workflow


def workflow_fail(workflow: Workflow, agent: str, message: str) -> None:
    with transaction.atomic():
        transition(workflow, "fail", error=message)
        event_publish(
            workflow=workflow,
            kind="error",
            agent=agent if agent in AgentName.values else AgentName.ORCHESTRATOR,
            error_message=message,
        )
