"""The season's weekly use cases: fetch the season's facts, run the engine's `run_week`,
persist what it decided, publish it.

Every request that changes a season takes its lock first, then checks, writes and moves the
state machine inside one transaction: two requests for the same week cannot both pass the
check. The weeks are replayed from the facts (sales, approved shipments, decided markdowns)
each time, so replacing week k recomputes weeks k..latest and changes no fact.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allocation import selectors as allocation_selectors
from allocation import services as allocation_services
from allocation.choices import ShipmentStatus
from forecasting import services as forecasting_services
from forecasting.models import Forecast
from markdowns import selectors as markdown_selectors
from markdowns import services as markdown_services
from markdowns.engine.markdown import ELASTICITY_RANGE, MAX_MARKDOWN_PCT
from markdowns.models import MarkdownDecision
from planner.choices import AgentName
from planner.engine.season import WeekOutcome
from planner.models import WeeklyActual, WeekReview, Workflow
from planner.realtime.events import event_publish
from planner.season.selectors import (
    SeasonRecord,
    report_dict,
    season_outcomes,
    season_record,
    season_to_date,
)
from planner.season.states import (
    AWAITING_ACTION,
    SeasonConflict,
    describe,
    season_lock,
    season_read,
    transition,
)
from shared.choices import WorkflowStatus as S
from shared.imports import check_weekly_actuals, read_csv

MARKDOWN_ACTION = AWAITING_ACTION[S.AWAITING_MARKDOWN]


def _actions(outcome: WeekOutcome) -> list[str]:
    actions = []
    if outcome.revision:
        actions.append(f"recorded a revision of the plan (x{_factor(outcome):.2f})")
    if outcome.superseded:
        units = sum(line.units for line in outcome.superseded)
        actions.append(f"superseded last week's unapproved proposal ({units:,} units released)")
    proposal = outcome.proposal
    if proposal and proposal.shipped_units:
        stores = sum(1 for line in proposal.lines if line.units)
        actions.append(
            f"proposed {proposal.shipped_units:,} units to {stores} stores for week "
            f"{proposal.week_number}"
        )
    if outcome.markdown is not None:
        decided = outcome.markdown_decided
        if decided is None:
            pct = outcome.markdown.markdown_pct
            actions.append(
                f"recommended a {pct:.0%} markdown" if pct else "recommended no markdown"
            )
        elif decided.declined:
            actions.append("the markdown was declined")
        elif decided.markdown_pct:
            actions.append(f"applied the approved {decided.markdown_pct:.0%} markdown")
        else:
            actions.append("no markdown needed")
    if outcome.report is not None:
        actions.append("season report ready")
    return actions


def _factor(outcome: WeekOutcome) -> float:
    level = outcome.state.level
    return level.adjustment_factor if level else 1.0


def _persist(record: SeasonRecord, outcomes: list[WeekOutcome], from_week: int) -> None:
    """Writes weeks `from_week`.. of `outcomes`: the plan version after each week, its review,
    the proposals and the checkpoint's recommendation. Earlier derived rows of those weeks
    go first; facts (approved shipments, decided markdowns) are never touched."""
    workflow, allocation, root = record.workflow, record.allocation, record.root
    latest = outcomes[-1].week_number
    WeekReview.objects.filter(workflow=workflow, week_number__gte=from_week).delete()
    # Versions from_week + 1..latest + 1 are rewritten in place (their ids stay); only
    # versions past the latest week, if any, go.
    forecasting_services.forecast_versions_delete(workflow_id=workflow.pk, from_version=latest + 2)
    allocation_services.replenishment_withdraw(allocation=allocation, from_week=from_week + 1)
    for outcome in outcomes[from_week - 1 :]:
        week = outcome.week_number
        state = outcome.state
        plan_of_record = Forecast.objects.get(workflow=workflow, version=week)
        forecasting_services.forecast_version_create(
            workflow_id=workflow.pk,
            root=root,
            after_week=week,
            weeks=state.plan,
            level=state.level,
            revision=outcome.revision,
            reason=outcome.revision_reason,
            lifts=state.lifts,
        )
        check = outcome.variance
        WeekReview.objects.create(
            workflow=workflow,
            week_number=week,
            forecast=plan_of_record,
            actual_units=outcome.units_sold,
            forecast_units=outcome.plan_of_record,
            weekly_variance=check.weekly_variance,
            cumulative_variance=check.cumulative_variance,
            weekly_band=check.weekly_band,
            cumulative_band=check.cumulative_band,
            reforecast_triggered=outcome.revision,
            reason=outcome.revision_reason,
            requested_revision=next(
                (w.revision_reason for w in record.weeks if w.week_number == week), ""
            ),
            level_factor=_factor(outcome),
            stockout_stores=outcome.stockouts,
            excess_units=sum(entry.excess for entry in outcome.store_weeks),
            flags=list(outcome.flags),
            actions=_actions(outcome),
        )
        decided = outcome.markdown_decided
        automatic = decided is not None and not decided.markdown_pct and not decided.declined
        if outcome.markdown is not None and (decided is None or automatic):
            # Pending, or nothing needed; a decided markdown's row is a fact, left as it is.
            markdown_services.markdown_recommend(
                root=root, recommendation=outcome.markdown, week_number=week
            )
        if outcome.proposal is not None:
            allocation_services.replenishment_propose(
                allocation=allocation,
                plan=outcome.proposal,
                approve=settings.AUTO_APPROVE_REPLENISHMENT and week == latest,
            )
    allocation_services.replenishment_supersede(allocation=allocation, before_week=latest + 1)


def _publish_week(workflow: Workflow, outcome: WeekOutcome, horizon: int) -> None:
    check = outcome.variance
    revision = f"; revision recorded ({outcome.revision_reason})" if outcome.revision else ""
    flags = f"; {len(outcome.flags)} store(s) sold beyond their stock" if outcome.flags else ""
    event_publish(
        workflow=workflow,
        kind="agent_progress",
        agent=AgentName.DEMAND,
        message=f"week {outcome.week_number}: {check.weekly_variance:+.1%} against its plan, "
        f"{check.cumulative_variance:+.1%} cumulative ({check.cumulative_band}); plan in force "
        f"now x{_factor(outcome):.2f} the pre-season plan{revision}{flags}",
        progress_pct=round(100 * outcome.week_number / horizon),
    )
    proposal = outcome.proposal
    if proposal is not None and proposal.shipped_units:
        event_publish(
            workflow=workflow,
            kind="agent_completed",
            agent=AgentName.INVENTORY,
            duration_seconds=0.0,
            result={"replenishment": _proposal_summary(outcome)},
        )


def _proposal_summary(outcome: WeekOutcome) -> dict[str, Any] | None:
    proposal = outcome.proposal
    if proposal is None:
        return None
    shipping = proposal.shipped_units or any(line.units for line in proposal.transfers)
    if not shipping:
        # Nothing to ship is no proposal: there is nothing to approve.
        status = "none"
        note = proposal.note or (
            f"no replenishment needed for week {proposal.week_number}: every store holds its target"
        )
    else:
        status = (
            ShipmentStatus.APPROVED
            if settings.AUTO_APPROVE_REPLENISHMENT
            else ShipmentStatus.PROPOSED
        )
        note = proposal.note
    return {
        "week_number": proposal.week_number,
        "units": proposal.shipped_units,
        "stores": sum(1 for line in proposal.lines if line.units),
        "partial_shipments": sum(1 for line in proposal.lines if line.is_partial),
        "dc_available_after": proposal.dc_available_after,
        "status": status,
        "note": note,
    }


def _ask_markdown(workflow: Workflow, decision: MarkdownDecision) -> None:
    low, high = ELASTICITY_RANGE
    event_publish(
        workflow=workflow,
        kind="human_input_required",
        agent=AgentName.PRICING,
        action=MARKDOWN_ACTION,
        data=markdown_selectors.markdown_summary(decision),
        options={
            "actions": ["accept", "modify", "decline"],
            "elasticity_coefficient": {"min": low, "max": high},
            "markdown_pct": {"min": 0.0, "max": MAX_MARKDOWN_PCT},
        },
    )


def _after_run(workflow: Workflow, record: SeasonRecord, outcomes: list[WeekOutcome]) -> None:
    """Moves the state machine on from the latest week's outcome and says so."""
    latest = outcomes[-1]
    horizon = record.policy.horizon_weeks
    if latest.markdown_pending:
        decision = markdown_selectors.pending_markdown(root=record.root)
        if decision is not None:
            transition(workflow, "markdown_due", current_agent=AgentName.PRICING)
            _ask_markdown(workflow, decision)
    elif latest.week_number == horizon and workflow.status == S.IN_SEASON:
        transition(workflow, "season_closed", progress_pct=100)
        event_publish(
            workflow=workflow,
            kind="workflow_complete",
            duration_seconds=round(
                (
                    workflow.finished_at - (workflow.started_at or workflow.created_at)
                ).total_seconds(),
                3,
            )
            if workflow.finished_at
            else 0.0,
            result={"season_report": report_dict(latest.report)},
        )


def _rerun(workflow: Workflow, from_week: int) -> tuple[SeasonRecord, list[WeekOutcome]]:
    record = season_record(workflow)
    outcomes = season_outcomes(record)
    _persist(record, outcomes, from_week)
    return record, outcomes


def _upload_summary(
    record: SeasonRecord, outcomes: list[WeekOutcome], week_number: int
) -> dict[str, Any]:
    outcome = outcomes[week_number - 1]
    check = outcome.variance
    decision = (
        markdown_selectors.pending_markdown(root=record.root)
        if outcomes[-1].markdown_pending
        else None
    )
    return {
        "workflow_id": record.workflow.pk,
        "week_number": week_number,
        "status": record.workflow.status,
        "variance": {
            "actual_units": outcome.units_sold,
            "forecast_units": round(check.weekly_forecast, 1),
            "weekly_variance": check.weekly_variance,
            "weekly_band": check.weekly_band,
            "cumulative_variance": check.cumulative_variance,
            "cumulative_band": check.cumulative_band,
            "reforecast": outcome.revision,
            "reason": outcome.revision_reason,
        },
        "plan_factor": round(_factor(outcome), 4),
        "flags": list(outcome.flags),
        "replenishment": _proposal_summary(outcomes[-1]),
        "markdown_id": decision.pk if decision else None,
        "to_date": asdict(season_to_date(record, outcomes)),
        "report": report_dict(outcomes[-1].report),
        "actions": _actions(outcome),
    }


def _order_stores(workflow: Workflow) -> list[str]:
    """The stores of the season's order (one query, not the whole season record)."""
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    if allocation is None:
        raise SeasonConflict(f"Season {workflow.pk} has no manufacturing order yet.")
    return list(allocation.store_rows.values_list("store_id", flat=True))


def _check_upload(workflow: Workflow, week_number: int, replace: bool) -> bool:
    """Whether the season can take `week_number` now (SeasonConflict if not); True when the
    upload replaces a week already in."""
    horizon = workflow.parameters.forecast_horizon_weeks
    if workflow.status == S.AWAITING_MARKDOWN:
        raise SeasonConflict(
            f"Season {workflow.pk} waits for the week {workflow.season_week} markdown "
            "decision; decide it before uploading more weeks."
        )
    if workflow.status in (S.CANCELLED, S.FAILED):
        raise SeasonConflict(
            f"Season {workflow.pk} was {describe(workflow)}: it takes no more weekly sales."
        )
    if workflow.status not in (S.IN_SEASON, S.CLOSED):
        raise SeasonConflict(
            f"Season {workflow.pk} is {describe(workflow)}: weekly sales come after the "
            "manufacturing order is accepted."
        )
    if not 1 <= week_number <= horizon:
        raise SeasonConflict(f"The season has weeks 1-{horizon}, not {week_number}.")
    replacing = week_number <= workflow.season_week
    if replacing and not replace:
        raise SeasonConflict(
            f"Week {week_number} is already uploaded; to replace it, upload it again with "
            "'Replace this week if uploaded' ticked (replace=true in the API)."
        )
    if week_number > workflow.season_week + 1:
        raise SeasonConflict(f"Upload week {workflow.season_week + 1} first: weeks go in order.")
    starts = workflow.parameters.season_start_date + dt.timedelta(days=7 * (week_number - 1))
    if starts > timezone.localdate():
        raise SeasonConflict(
            f"Week {week_number} starts on {starts}; its sales can be uploaded once it has begun."
        )
    return replacing


def week_upload(
    *, workflow_id: int, week_number: int, raw: bytes, replace: bool = False
) -> dict[str, Any]:
    """Stores week N's sales and runs the season's weeks through `run_week`. Weeks go in
    order; an uploaded week needs `replace`, which recomputes it and the weeks after it.
    Raises SeasonConflict (409) when the season cannot take the week now."""
    started = time.perf_counter()
    # Say "not now" before reading the file; the check is repeated under the lock.
    _check_upload(season_read(workflow_id), week_number, replace)
    frame = read_csv(raw, what="weekly sales", max_bytes=settings.UPLOAD_MAX_BYTES)
    with transaction.atomic():
        workflow = season_lock(workflow_id)
        horizon = workflow.parameters.forecast_horizon_weeks
        replacing = _check_upload(workflow, week_number, replace)
        p = workflow.parameters
        units = check_weekly_actuals(
            frame,
            # The season is in season, so its order is approved: its stores take the week.
            store_ids=set(_order_stores(workflow)),
            week_number=week_number,
            week_start=p.season_start_date + dt.timedelta(days=7 * (week_number - 1)),
        )
        WeeklyActual.objects.filter(workflow=workflow, week_number=week_number).delete()
        WeeklyActual.objects.bulk_create(
            WeeklyActual(workflow=workflow, week_number=week_number, store_id=s, units_sold=u)
            for s, u in units.items()
        )
        record, outcomes = _rerun(workflow, week_number)
        if replacing:
            transition(workflow, "week_replaced", season_week=workflow.season_week)
        else:
            transition(
                workflow,
                "week_uploaded",
                season_week=week_number,
                progress_pct=round(100 * week_number / horizon),
            )
        _publish_week(workflow, outcomes[week_number - 1], horizon)
        _after_run(workflow, record, outcomes)
        summary = _upload_summary(record, outcomes, week_number)
    summary["status"] = workflow.status
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


def markdown_decide(
    *,
    workflow_id: int,
    action: str,
    elasticity: float | None = None,
    markdown_pct: float | None = None,
) -> MarkdownDecision:
    """`modify` recomputes the seed's rule at another elasticity (1.0-3.0) and prices the
    options again; `accept` decides the recommendation or the depth picked or typed
    (`markdown_pct`); `decline` refuses any markdown. A decision re-runs the checkpoint week
    with it as a fact, so the plan in force carries its lift and the next proposal follows."""
    with transaction.atomic():
        workflow = season_lock(workflow_id)
        if workflow.status != S.AWAITING_MARKDOWN:
            raise SeasonConflict(
                f"Season {workflow_id} is {describe(workflow)}; no markdown waits for a decision."
            )
        record = season_record(workflow)
        decision = markdown_selectors.pending_markdown(root=record.root)
        if decision is None:
            raise SeasonConflict(f"Season {workflow_id} has no pending markdown.")
        if action == "modify":
            if elasticity is None:
                raise ValueError("modify needs elasticity_coefficient (1.0-3.0)")
            decision = markdown_services.markdown_modify(
                decision=decision,
                elasticity=elasticity,
                cap=record.policy.markdown_cap,
                lift_per_point=record.policy.lift_per_point,
            )
            transition(workflow, "markdown_modified")
            _ask_markdown(workflow, decision)
            return decision
        if action == "decline":
            decision = markdown_services.markdown_decline(decision=decision)
        else:
            decision = markdown_services.markdown_accept(
                decision=decision,
                markdown_pct=markdown_pct,
                lift_per_point=record.policy.lift_per_point,
            )
        record, outcomes = _rerun(workflow, decision.week_number)
        transition(workflow, "markdown_decided", current_agent=AgentName.PRICING)
        latest_plan = Forecast.objects.get(workflow=workflow, version=workflow.season_week + 1)
        event_publish(
            workflow=workflow,
            kind="agent_completed",
            agent=AgentName.PRICING,
            duration_seconds=0.0,
            result={
                **markdown_selectors.markdown_summary(decision),
                "forecast_id": latest_plan.pk,
                "total_units": latest_plan.total_units,
            },
        )
        _after_run(workflow, record, outcomes)
    return decision


def replenishment_approve(
    *,
    workflow_id: int,
    week_number: int,
    units: dict[tuple[str, str | None], int] | None = None,
    reject: bool = False,
) -> tuple[int, int]:
    """Approves the proposal for the coming week as a person left it (`units` changes lines,
    0 rejects one; `reject` rejects them all); a proposal for a week that already arrived was
    superseded and cannot be approved. Returns (approved, rejected) shipments; changes that
    cannot ship raise allocation.services.ShipmentEditRefused and nothing is written."""
    with transaction.atomic():
        workflow = season_lock(workflow_id)
        if workflow.status not in (S.IN_SEASON, S.AWAITING_MARKDOWN):
            raise SeasonConflict(f"Season {workflow_id} is {describe(workflow)}.")
        if week_number != workflow.season_week + 1:
            raise SeasonConflict(
                f"Only the proposal for week {workflow.season_week + 1} can be approved now; "
                f"the week {week_number} proposal "
                + (
                    "was superseded when its week arrived."
                    if week_number <= workflow.season_week
                    else "does not exist yet."
                )
            )
        record = season_record(workflow)
        outcomes = season_outcomes(record)
        dc_available = outcomes[-1].state.dc_on_hand if outcomes else record.setup.dc_units
        approved, rejected = allocation_services.replenishment_approve(
            allocation=record.allocation,
            week_number=week_number,
            dc_available=dc_available,
            units=units,
            reject=reject,
        )
        if not approved and not rejected:
            raise SeasonConflict(
                f"Season {workflow_id} has no proposed replenishment for week {week_number}."
            )
    return approved, rejected


def revision_request(*, workflow_id: int, reason: str) -> Forecast:
    """A re-forecast asked for by hand: the latest week is re-run with the revision recorded
    and streamed (the level is re-estimated every week anyway). Returns the plan in force."""
    with transaction.atomic():
        workflow = season_lock(workflow_id)
        if workflow.season_week < 1:
            raise SeasonConflict(
                f"Season {workflow_id} has no actuals yet; nothing to re-forecast."
            )
        transition(workflow, "revision_requested")
        WeekReview.objects.filter(workflow=workflow, week_number=workflow.season_week).update(
            requested_revision=reason
        )
        _, outcomes = _rerun(workflow, workflow.season_week)
        latest = outcomes[-1]
        forecast = Forecast.objects.get(workflow=workflow, version=latest.week_number + 1)
        event_publish(
            workflow=workflow,
            kind="agent_completed",
            agent=AgentName.DEMAND,
            duration_seconds=0.0,
            result={
                "forecast_id": forecast.pk,
                "version": forecast.version,
                "total_units": forecast.total_units,
                "adjustment_factor": round(_factor(latest), 4),
                "reason": latest.revision_reason,
            },
        )
    return forecast
