"""Starting a season and the order approval. Steps run
through `planner.season.runner` after commit (a background thread by default)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.db import transaction

from allocation import selectors as allocation_selectors
from allocation import services as allocation_services
from allocation.choices import AllocationStatus
from forecasting.engine.types import ForecastError
from forecasting.models import Forecast
from planner.choices import AgentName, ReplenishmentStrategy
from planner.models import SeasonParameters, Workflow
from planner.realtime.events import event_publish
from planner.season import runner
from planner.season.states import SeasonConflict, describe, season_lock, transition
from planner.season.steps import (
    PROGRESS,
    agent_tools,
    ask_order_approval,
    inventory_tool,
    parameters_dict,
)
from season_agents.extraction.types import SeasonParameterSet
from season_agents.models import ParameterExtraction
from season_agents.runtime import Backend, CollectedOutcomes, default_backend, run_chain
from shared.choices import WorkflowStatus as S
from shared.models import Category


def workflow_start_forecast(
    *, category: Category, parameters: SeasonParameterSet, extraction_id: int | None = None
) -> Workflow:
    """Stores the confirmed parameters and a pending season; its steps start after commit,
    in the background. A category has one season at a time: dates that overlap a season that
    is not cancelled or failed are refused (SeasonConflict, 409) until it is cancelled."""
    with transaction.atomic():
        # One start per category at a time, so two overlapping requests cannot both pass.
        Category.objects.select_for_update().filter(pk=category.pk).first()
        clash = (
            Workflow.objects.filter(
                category=category,
                parameters__season_start_date__lte=parameters.season_end_date,
                parameters__season_end_date__gte=parameters.season_start_date,
            )
            .exclude(status__in=[S.CANCELLED, S.FAILED])
            .select_related("parameters")
            .first()
        )
        if clash is not None:
            raise SeasonConflict(
                f"Season {clash.pk} of {category.name} ({clash.parameters.season_start_date} to "
                f"{clash.parameters.season_end_date}) overlaps these dates; cancel it first "
                f"(POST /api/workflows/{clash.pk}/cancel) or choose other dates."
            )
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
            category=category, parameters=stored, current_agent=AgentName.ORCHESTRATOR
        )
        transaction.on_commit(lambda: runner.submit(workflow.pk))
    return workflow


class Keep(Enum):
    """A season parameter the modify leaves as it is."""

    KEEP = "keep"


def approve_manufacturing(
    *,
    workflow_id: int,
    action: str,
    safety_stock_pct: float | None = None,
    dc_holdback_pct: float | None = None,
    replenishment_strategy: str | None = None,
    markdown_threshold: float | Keep | None = Keep.KEEP,
) -> Workflow:
    """`modify` recomputes quantity and allocation at a new safety stock, DC holdback,
    replenishment cadence and/or markdown threshold (the what-if's "use these settings";
    None: no markdown this season); nothing is committed and the season's parameters take
    the changes as a new row. `accept` commits the order and moves on to the Pricing step; an
    accept that carries settings the proposal was not computed with is refused."""
    with transaction.atomic():
        workflow = season_lock(workflow_id)
        if workflow.status != S.AWAITING_ORDER:
            raise SeasonConflict(
                f"Season {workflow_id} is {describe(workflow)}; no order waits for approval."
            )
        if action == "modify":
            changes = _parameter_changes(
                workflow.parameters,
                dc_holdback_pct=dc_holdback_pct,
                replenishment_strategy=replenishment_strategy,
                markdown_threshold=markdown_threshold,
            )
            if safety_stock_pct is None and not changes:
                raise ValueError(
                    "modify needs safety_stock_pct (0.10-0.30), dc_holdback_pct, "
                    "replenishment_strategy or markdown_threshold"
                )
            if changes:
                _parameters_change(workflow, changes)
            current = allocation_selectors.season_allocation(workflow_id=workflow.pk)
            safety = (
                safety_stock_pct
                if safety_stock_pct is not None
                else (current.safety_stock_pct if current else None)
            )
            result = inventory_tool(workflow, safety_stock_pct=safety)
            transition(workflow, "order_modified")
            plan = result.payload
            p = workflow.parameters
            cadence = ReplenishmentStrategy(p.replenishment_strategy)
            replenishment = (
                "no replenishment"
                if cadence == ReplenishmentStrategy.NONE
                else f"{cadence.label.lower()} replenishment"
            )
            markdown = (
                f"markdown at week {p.markdown_checkpoint_week} below {p.markdown_threshold:.0%} "
                "sell-through"
                if p.markdown_checkpoint_week and p.markdown_threshold is not None
                else "no markdown"
            )
            event_publish(
                workflow=workflow,
                kind="agent_progress",
                agent=AgentName.INVENTORY,
                message=f"order recomputed at {plan.safety_stock_pct:.0%} safety stock and "
                f"{plan.dc_holdback_pct:.0%} DC holdback: {plan.manufacturing_qty:,} units "
                f"({replenishment}, {markdown})",
                progress_pct=PROGRESS["inventory"],
            )
            ask_order_approval(workflow, result.payload)
            return workflow
        allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
        if allocation is None or allocation.status != AllocationStatus.PROPOSED:
            raise SeasonConflict(f"Season {workflow_id} has no proposed order to accept.")
        unseen = _settings_not_proposed(
            workflow.parameters,
            allocation.safety_stock_pct,
            safety_stock_pct=safety_stock_pct,
            dc_holdback_pct=dc_holdback_pct,
            replenishment_strategy=replenishment_strategy,
            markdown_threshold=markdown_threshold,
        )
        if unseen:
            raise SeasonConflict(
                f"The order was proposed at other settings than {', '.join(unseen)}: press "
                "Recompute (action 'modify') to see the order these settings give, then accept "
                "it. Nothing was accepted."
            )
        allocation_services.allocation_approve(allocation=allocation)
        transition(workflow, "order_accepted", current_agent=AgentName.PRICING)
        transaction.on_commit(lambda: runner.submit(workflow.pk))
    return workflow


class ParameterRefused(ValueError):
    """A season parameter a change cannot take; `field` names it (the API answers 400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _parameter_changes(
    parameters: SeasonParameters,
    *,
    dc_holdback_pct: float | None,
    replenishment_strategy: str | None,
    markdown_threshold: float | Keep | None,
) -> dict[str, Any]:
    """The season parameters a modify changes (field -> new value), only those that differ.
    A markdown threshold needs the season's checkpoint week; None drops the markdown."""
    wanted: dict[str, Any] = {}
    if dc_holdback_pct is not None:
        wanted["dc_holdback_percentage"] = dc_holdback_pct
    if replenishment_strategy is not None:
        if replenishment_strategy not in ReplenishmentStrategy.values:
            raise ParameterRefused(
                "replenishment_strategy",
                f"unknown replenishment strategy {replenishment_strategy!r}",
            )
        wanted["replenishment_strategy"] = replenishment_strategy
    if markdown_threshold is None:
        wanted.update(markdown_checkpoint_week=None, markdown_threshold=None)
    elif not isinstance(markdown_threshold, Keep):
        if not parameters.markdown_checkpoint_week:
            raise ParameterRefused(
                "markdown_threshold",
                "this season has no markdown checkpoint week: a markdown threshold needs one "
                "(start the season with a checkpoint)",
            )
        wanted["markdown_threshold"] = markdown_threshold
    return {field: value for field, value in wanted.items() if getattr(parameters, field) != value}


def _settings_not_proposed(
    parameters: SeasonParameters,
    proposed_safety_stock: float,
    *,
    safety_stock_pct: float | None,
    dc_holdback_pct: float | None,
    replenishment_strategy: str | None,
    markdown_threshold: float | Keep | None,
) -> list[str]:
    """The settings an accept carries that the proposed order was not computed with, in
    words ("30% DC holdback"); a difference below a tenth of a point is the form's rounding."""
    unseen = []
    if safety_stock_pct is not None and abs(safety_stock_pct - proposed_safety_stock) > 5e-4:
        unseen.append(f"{safety_stock_pct:.0%} safety stock")
    changes = _parameter_changes(
        parameters,
        dc_holdback_pct=dc_holdback_pct,
        replenishment_strategy=replenishment_strategy,
        markdown_threshold=markdown_threshold,
    )
    if "dc_holdback_percentage" in changes and (
        abs(changes["dc_holdback_percentage"] - parameters.dc_holdback_percentage) > 5e-4
    ):
        unseen.append(f"{changes['dc_holdback_percentage']:.0%} DC holdback")
    if "replenishment_strategy" in changes:
        unseen.append(f"{changes['replenishment_strategy']} replenishment")
    if "markdown_checkpoint_week" in changes:
        unseen.append("no markdown")
    elif "markdown_threshold" in changes and (
        parameters.markdown_threshold is None
        or abs(changes["markdown_threshold"] - parameters.markdown_threshold) > 5e-4
    ):
        unseen.append(f"a {changes['markdown_threshold']:.0%} markdown threshold")
    return unseen


def _parameters_change(workflow: Workflow, changes: dict[str, Any]) -> None:
    """The season's parameters with `changes`, as a new row: parameter rows are never edited
    in place (another season may share them)."""
    parameters = workflow.parameters
    parameters.pk = None
    for field, value in changes.items():
        setattr(parameters, field, value)
    parameters.save()
    workflow.parameters = parameters
    workflow.save(update_fields=["parameters"])


def season_cancel(*, workflow_id: int) -> Workflow:
    """Cancels a season that is not over: its steps stop at the next
    check, uploads and approvals are refused; what it stored stays for the record."""
    with transaction.atomic():
        workflow = season_lock(workflow_id)
        transition(workflow, "cancel")
        event_publish(
            workflow=workflow,
            kind="error",
            agent=AgentName.ORCHESTRATOR,
            error_message="the season was cancelled",
        )
    return workflow


def agent_step_run(
    *, workflow_id: int, agent: str, backend: Backend | None = None
) -> dict[str, Any]:
    """Runs one agent's step of a season directly (for debugging and integrations), outside
    the state machine: the step's results are reused if they exist, nothing is approved."""
    workflow = (
        Workflow.objects.select_related("parameters", "category").filter(pk=workflow_id).first()
    )
    if workflow is None:
        raise Workflow.DoesNotExist(f"No season with id {workflow_id}.")
    if agent == AgentName.INVENTORY and not Forecast.objects.filter(workflow=workflow).exists():
        raise SeasonConflict(f"Season {workflow_id} has no forecast yet; run demand first.")
    collected = CollectedOutcomes()
    try:
        run_chain(
            backend or default_backend(),
            [agent],
            parameters_dict(workflow.parameters),
            agent_tools(workflow),
            collected,
        )
    except ForecastError as exc:
        raise SeasonConflict(f"Season {workflow_id}'s {agent} step cannot run: {exc}") from exc
    outcome = collected.outcomes[agent]
    return {
        "workflow_id": workflow_id,
        "agent": agent,
        "mode": outcome.mode,
        "fallback_reason": outcome.fallback_reason,
        "reasoning": outcome.reasoning,
        "result": outcome.result.summary,
    }
