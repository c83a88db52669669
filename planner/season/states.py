"""Where a season is, and the one way it moves.

A transition table `{(from, event): to}` with guards; `transition` checks both, writes the new
status and an append-only `WorkflowTransition` row in the caller's transaction. Nothing else
assigns `Workflow.status`. Events to the stream are the services' business (after commit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from planner.models import Workflow, WorkflowTransition
from shared.choices import WorkflowStatus as S
from shared.conflicts import Conflict

TERMINAL = (S.CLOSED, S.FAILED, S.CANCELLED)
# The decision each waiting status needs, by the name the stream's human_input_required uses.
AWAITING_ACTION: dict[str, str] = {
    S.AWAITING_ORDER: "approve_manufacturing_order",
    S.AWAITING_MARKDOWN: "approve_markdown",
}
RUNNABLE = (S.PENDING, S.PLANNING, S.PRICING)  # a runner has work to do

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PENDING, "start"): S.PLANNING,
    (S.PLANNING, "plan_ready"): S.AWAITING_ORDER,
    (S.AWAITING_ORDER, "order_modified"): S.AWAITING_ORDER,
    (S.AWAITING_ORDER, "order_accepted"): S.PRICING,
    (S.PRICING, "priced"): S.IN_SEASON,
    (S.IN_SEASON, "week_uploaded"): S.IN_SEASON,
    (S.IN_SEASON, "week_replaced"): S.IN_SEASON,
    (S.IN_SEASON, "markdown_due"): S.AWAITING_MARKDOWN,
    (S.AWAITING_MARKDOWN, "markdown_modified"): S.AWAITING_MARKDOWN,
    (S.AWAITING_MARKDOWN, "markdown_decided"): S.IN_SEASON,
    (S.IN_SEASON, "revision_requested"): S.IN_SEASON,
    (S.IN_SEASON, "season_closed"): S.CLOSED,
    (S.CLOSED, "week_replaced"): S.CLOSED,
    (S.CLOSED, "revision_requested"): S.CLOSED,
    **{(status, "fail"): S.FAILED for status in RUNNABLE},
    **{(status, "cancel"): S.CANCELLED for status in S.values if status not in TERMINAL},
}


def _horizon(workflow: Workflow) -> int:
    return int(workflow.parameters.forecast_horizon_weeks)


# Guards see the workflow as it is and the fields the transition will write.
GUARDS: dict[str, Callable[[Workflow, dict[str, Any]], str]] = {
    "week_uploaded": lambda w, f: (
        ""
        if f.get("season_week") == w.season_week + 1 <= _horizon(w)
        else f"the season is at week {w.season_week} of {_horizon(w)}"
    ),
    "week_replaced": lambda w, f: (
        ""
        if 1 <= f.get("season_week", 0) == w.season_week
        else "only weeks already uploaded can be replaced"
    ),
    "season_closed": lambda w, f: (
        ""
        if f.get("season_week", w.season_week) == _horizon(w)
        else f"the season closes after week {_horizon(w)}"
    ),
}


class SeasonConflict(Conflict):
    """The season is not in a state that allows this request (HTTP 409)."""


def describe(workflow: Workflow) -> str:
    """Where the season is, in words: 'in season, week 5 of 12 (week 6 due)'."""
    status = workflow.status
    horizon = _horizon(workflow)
    if status == S.IN_SEASON and workflow.season_week == 0:
        return "in season (week 1 due)"
    if status == S.IN_SEASON:
        due = f"week {workflow.season_week + 1} due" if workflow.season_week < horizon else ""
        return f"in season, week {workflow.season_week} of {horizon}" + (f" ({due})" if due else "")
    if status == S.AWAITING_MARKDOWN:
        return f"week {workflow.season_week} of {horizon}: waiting for the markdown decision"
    return str(S(status).label).lower()


def transition(workflow: Workflow, event: str, **fields: Any) -> Workflow:
    """Applies `event`: locks the season's row and reads its status afresh (a step that ran
    for a while may hold a stale copy, and the season may have been cancelled meanwhile),
    checks the table and the guard, then writes the status, `fields` and the history row."""
    with transaction.atomic():
        status, week = (
            Workflow.objects.select_for_update()
            .values_list("status", "season_week")
            .get(pk=workflow.pk)
        )
        workflow.status, workflow.season_week = status, week
        target = TRANSITIONS.get((status, event))
        if target is None:
            raise SeasonConflict(
                f"Season {workflow.pk} is {describe(workflow)}; '{event.replace('_', ' ')}' "
                "cannot happen now."
            )
        guard = GUARDS.get(event)
        problem = guard(workflow, fields) if guard else ""
        if problem:
            raise SeasonConflict(f"Season {workflow.pk}: {problem}.")
        workflow.status = target
        for name, value in fields.items():
            setattr(workflow, name, value)
        if target in TERMINAL and workflow.finished_at is None:
            workflow.finished_at = timezone.now()
            fields["finished_at"] = workflow.finished_at
        workflow.save(update_fields=["status", *fields, "updated_at"])
        WorkflowTransition.objects.create(
            workflow=workflow,
            event=event,
            from_status=status,
            to_status=target,
            season_week=workflow.season_week,
        )
    return workflow


def season_read(workflow_id: int) -> Workflow:
    """The season row without a lock (for checks that are repeated under it)."""
    try:
        return Workflow.objects.select_related("parameters", "category").get(pk=workflow_id)
    except Workflow.DoesNotExist:
        raise Workflow.DoesNotExist(f"No season with id {workflow_id}.") from None


def season_lock(workflow_id: int) -> Workflow:
    """The season row, locked for the rest of the transaction: a row lock on PostgreSQL; on
    SQLite the transaction is IMMEDIATE (settings), so it already holds the write lock. A
    check made after this call and the write that follows cannot interleave with another
    request's."""
    try:
        return (
            Workflow.objects.select_for_update()
            .select_related("parameters", "category")
            .get(pk=workflow_id)
        )
    except Workflow.DoesNotExist:
        raise Workflow.DoesNotExist(f"No season with id {workflow_id}.") from None
