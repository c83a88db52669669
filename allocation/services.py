"""Use cases of the allocation app that write: clusters, the manufacturing order and its
split, shipments."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.db import transaction
from django.utils import timezone

from allocation import fetch
from allocation.choices import AllocationStatus, ShipmentKind, ShipmentStatus
from allocation.engine.allocation import plan_allocation
from allocation.engine.clustering import cluster_stores
from allocation.engine.replenishment import replenishment_words
from allocation.engine.types import AllocationPlan, ReplenishmentPlan, StoreProfile
from allocation.models import (
    Allocation,
    ClusterAllocation,
    ClusteringRun,
    Shipment,
    StoreAllocation,
    StoreCluster,
)
from forecasting.models import Forecast


def clustering_create(*, stores: list[StoreProfile], k: int | None = 3) -> ClusteringRun:
    result = cluster_stores(stores, k=k)
    with transaction.atomic():
        run = ClusteringRun.objects.create(
            k=result.k,
            silhouette=result.silhouette,
            features=list(result.features),
            seed=result.seed,
        )
        clusters = {
            label: StoreCluster.objects.create(
                run=run, label=label, mean_weekly_sales=result.mean_sales[label]
            )
            for label in result.labels
        }
        # The memberships as rows of ids: a new run's clusters have none to compare with.
        StoreCluster.stores.through.objects.bulk_create(
            StoreCluster.stores.through(storecluster_id=clusters[label].pk, store_id=store_id)
            for store_id, label in result.assignments.items()
        )
    return run


def _plan(
    forecast: Forecast,
    stores: list[StoreProfile],
    run: ClusteringRun,
    safety: float,
    holdback: float,
) -> AllocationPlan:
    assignments = dict(
        StoreCluster.stores.through.objects.filter(storecluster__run=run).values_list(
            "store_id", "storecluster__label"
        )
    )
    return plan_allocation(
        weekly_forecast=[w.units for w in forecast.weeks.order_by("week_number")],
        stores=[s for s in stores if s.store_id in assignments],
        assignments=assignments,
        safety_stock_pct=safety,
        dc_holdback_pct=holdback,
    )


def safety_stock_reasoning(plan: AllocationPlan, strategy: str) -> str:
    return (
        f"Safety stock {plan.safety_stock_pct:.0%} for {replenishment_words(strategy)}: "
        f"ceil({plan.total_forecast:,.1f} forecast units x {1 + plan.safety_stock_pct:.2f}) = "
        f"{plan.manufacturing_qty:,} units to manufacture; {plan.dc_holdback_pct:.0%} held at "
        f"the DC ({plan.dc_holdback_units:,}), {plan.store_initial_units:,} to stores."
    )


def allocation_create(
    *,
    forecast: Forecast,
    run: ClusteringRun,
    safety_stock_pct: float,
    strategy: str,
    dc_holdback_pct: float,
    guard: Callable[[], None] = lambda: None,
    stores: list[StoreProfile] | None = None,
) -> Allocation:
    """The manufacturing order and its split; replaces a proposed (unapproved) allocation of
    the same forecast, so `modify` at approval recomputes without committing anything.
    `guard` runs in the transaction that stores it, after the writes: raising there stores
    nothing (a season cancelled while the order was sized). Pass `stores` when the caller has
    read the season's store profiles already (`fetch.store_profiles`), so history is read
    once."""
    if stores is None:
        stores = fetch.store_profiles(
            forecast.category_id,
            season_start=forecast.season_start_date,
            season_weeks=forecast.horizon_weeks,
        )
    plan = _plan(forecast, stores, run, safety_stock_pct, dc_holdback_pct)
    clusters = {c.label: c for c in run.clusters.all()}
    with transaction.atomic():
        Allocation.objects.filter(forecast=forecast, status=AllocationStatus.PROPOSED).delete()
        allocation = Allocation.objects.create(
            forecast=forecast,
            clustering_run=run,
            safety_stock_pct=plan.safety_stock_pct,
            manufacturing_qty=plan.manufacturing_qty,
            dc_holdback_pct=plan.dc_holdback_pct,
            dc_holdback_units=plan.dc_holdback_units,
            store_initial_units=plan.store_initial_units,
            reasoning=safety_stock_reasoning(plan, strategy),
        )
        ClusterAllocation.objects.bulk_create(
            ClusterAllocation(
                allocation=allocation,
                cluster=clusters[line.cluster],
                share=line.share,
                initial_units=line.initial_units,
            )
            for line in plan.clusters
        )
        StoreAllocation.objects.bulk_create(
            StoreAllocation(
                allocation=allocation,
                store_id=line.store_id,
                cluster=clusters[line.cluster],
                initial_units=line.initial_units,
                season_share=line.season_share,
            )
            for line in plan.stores
        )
        guard()
    return allocation


def allocation_approve(*, allocation: Allocation) -> Allocation:
    """Commits the order: the allocation is approved and the initial shipments are made."""
    with transaction.atomic():
        allocation.status = AllocationStatus.APPROVED
        allocation.approved_at = timezone.now()
        allocation.save(update_fields=["status", "approved_at"])
        Shipment.objects.bulk_create(
            Shipment(
                allocation=allocation,
                kind=ShipmentKind.INITIAL,
                week_number=1,
                store_id=row.store_id,
                requested_units=row.initial_units,
                units=row.initial_units,
                status=ShipmentStatus.APPROVED,
                approved_at=allocation.approved_at,
            )
            for row in allocation.store_rows.all()
        )
    return allocation


def replenishment_propose(
    *, allocation: Allocation, plan: ReplenishmentPlan, approve: bool
) -> list[Shipment]:
    """Stores the proposal (and its transfers) for `plan.week_number`, replacing an earlier
    proposal for that week. A week whose shipments were already approved keeps them (they
    are facts) and gets no new proposal."""
    kinds = [ShipmentKind.REPLENISHMENT, ShipmentKind.TRANSFER]
    week = Shipment.objects.filter(
        allocation=allocation, week_number=plan.week_number, kind__in=kinds
    )
    if week.filter(status=ShipmentStatus.APPROVED).exists():
        return []
    status = ShipmentStatus.APPROVED if approve else ShipmentStatus.PROPOSED
    now = timezone.now() if approve else None
    rows = [
        Shipment(
            allocation=allocation,
            kind=kind,
            week_number=plan.week_number,
            store_id=line.store_id,
            from_store_id=line.from_store,  # None for units from the DC
            requested_units=line.requested_units,
            units=line.units,
            is_partial=line.is_partial,
            status=status,
            approved_at=now,
        )
        for kind, lines in (
            (ShipmentKind.REPLENISHMENT, plan.lines),
            (ShipmentKind.TRANSFER, plan.transfers),
        )
        for line in lines
    ]
    with transaction.atomic():
        week.delete()
        return Shipment.objects.bulk_create(rows)


def replenishment_supersede(*, allocation: Allocation, before_week: int) -> int:
    """Proposals for weeks that have arrived without an approval are superseded: they hold
    no DC stock any more. Returns how many lines."""
    return Shipment.objects.filter(
        allocation=allocation,
        week_number__lt=before_week,
        kind__in=[ShipmentKind.REPLENISHMENT, ShipmentKind.TRANSFER],
        status=ShipmentStatus.PROPOSED,
    ).update(status=ShipmentStatus.SUPERSEDED)


def replenishment_withdraw(*, allocation: Allocation, from_week: int) -> int:
    """Deletes proposals (never approved shipments) from `from_week` on, before the weeks
    that made them are recomputed."""
    deleted, _ = Shipment.objects.filter(
        allocation=allocation,
        week_number__gte=from_week,
        kind__in=[ShipmentKind.REPLENISHMENT, ShipmentKind.TRANSFER],
        status__in=[ShipmentStatus.PROPOSED, ShipmentStatus.SUPERSEDED],
    ).delete()
    return deleted


class ShipmentEditRefused(ValueError):
    """Changes to a proposal that cannot ship; the message names the line and the reason."""


# A proposal line: (store, source store of a transfer or None for the DC).
LineKey = tuple[str, str | None]


def replenishment_approve(
    *,
    allocation: Allocation,
    week_number: int,
    dc_available: int,
    units: Mapping[LineKey, int] | None = None,
    reject: bool = False,
) -> tuple[int, int]:
    """Approves a week's proposed shipments as a person left them: `units` sets a line's
    units (0 rejects it; a transfer can only shrink, its source store's spare was counted
    when it was proposed), lines not named ship as proposed; `reject` rejects every line.
    Checked whole before anything is written: every named line exists and the DC lines
    together fit in `dc_available`, the DC's stock when the week's proposal was made.

    Returns (approved, rejected) lines; lines proposed at zero units and not changed stay
    proposed (they ship nothing)."""
    changes = dict(units or {})
    rows = {
        (row.store_id, row.from_store_id): row
        for row in Shipment.objects.select_for_update().filter(
            allocation=allocation,
            week_number=week_number,
            kind__in=[ShipmentKind.REPLENISHMENT, ShipmentKind.TRANSFER],
            status=ShipmentStatus.PROPOSED,
        )
    }
    unknown = [key for key in changes if key not in rows]
    if unknown:
        named = ", ".join(
            store if source is None else f"{store} (from {source})" for store, source in unknown[:5]
        )
        raise ShipmentEditRefused(f"{named} has no proposed line for week {week_number}.")
    for (store, source), value in changes.items():
        if source is not None and value > rows[(store, source)].units:
            raise ShipmentEditRefused(
                f"The transfer to {store} from {source} can only shrink: "
                f"{rows[(store, source)].units:,} units were spare there when it was proposed."
            )
    final = {key: 0 if reject else changes.get(key, row.units) for key, row in rows.items()}
    from_dc = sum(value for (_, source), value in final.items() if source is None)
    if from_dc > dc_available:
        raise ShipmentEditRefused(
            f"{from_dc:,} units from the DC for week {week_number}, which holds {dc_available:,}."
        )
    now = timezone.now()
    approved: list[Shipment] = []
    rejected: list[Shipment] = []
    for key, row in rows.items():
        value = final[key]
        if value > 0:
            if value != row.units:
                # A person who ships more than the store needed asks for it: the request
                # rises with the units (a shipment never exceeds its request).
                row.proposed_units, row.units = row.units, value
                row.requested_units = max(row.requested_units, value)
                row.is_partial = value < row.requested_units
            row.status, row.approved_at = ShipmentStatus.APPROVED, now
            approved.append(row)
        elif row.units > 0 and (reject or key in changes):
            row.status = ShipmentStatus.REJECTED
            rejected.append(row)
    Shipment.objects.bulk_update(
        [*approved, *rejected],
        ["units", "proposed_units", "requested_units", "is_partial", "status", "approved_at"],
    )
    return len(approved), len(rejected)
