"""Reads of the allocation app that views and other apps call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from allocation.choices import ShipmentKind, ShipmentStatus
from allocation.engine.types import ShipmentLine
from allocation.models import (
    Allocation,
    ClusteringRun,
    StoreCluster,
)
from shared.models import Store
from shared.numbers import largest_remainder


def clusters_of_run(*, run_id: int | None = None) -> QuerySet[StoreCluster]:
    """Clusters of one clustering run (the latest when `run_id` is None), stores prefetched.

    Empty until a clustering run exists.
    """
    if run_id is None:
        latest = ClusteringRun.objects.order_by("-created_at", "-pk").first()
        if latest is None:
            return StoreCluster.objects.none()
        run_id = latest.pk
    return (
        StoreCluster.objects.filter(run_id=run_id)
        .select_related("run")
        .prefetch_related(Prefetch("stores", queryset=Store.objects.only("pk")))
        .order_by("label")
    )


@dataclass(frozen=True)
class AllocationLines:
    """An allocation with its rows as plain values, for reading out: cluster rows (`label`,
    `share`, `initial_units`), store rows (`store_id`, `cluster_label`, `initial_units`,
    `season_share`) and replenishment and transfer lines (`Shipment`'s fields)."""

    allocation: Allocation
    clusters: Sequence[Mapping[str, Any]]
    stores: Sequence[Mapping[str, Any]]
    shipments: Sequence[Mapping[str, Any]]


def allocation_with_lines(*, forecast_id: int) -> AllocationLines | None:
    """The allocation held by a pre-season forecast with its cluster rows, store rows and
    replenishment lines, in four queries and no model instance a row."""
    allocation = Allocation.objects.filter(forecast_id=forecast_id).first()
    if allocation is None:
        return None
    return AllocationLines(
        allocation=allocation,
        clusters=list(
            allocation.cluster_rows.annotate(label=F("cluster__label")).values(
                "label", "share", "initial_units"
            )
        ),
        stores=list(
            allocation.store_rows.annotate(cluster_label=F("cluster__label")).values(
                "store_id", "cluster_label", "initial_units", "season_share"
            )
        ),
        shipments=list(
            allocation.shipments.exclude(kind=ShipmentKind.INITIAL).values(
                "kind",
                "week_number",
                "store_id",
                "from_store_id",
                "requested_units",
                "units",
                "is_partial",
                "status",
            )
        ),
    )


def season_allocation(*, workflow_id: int) -> Allocation | None:
    """The order of a season's pre-season forecast (proposed or approved), if any yet."""
    return (
        Allocation.objects.filter(forecast__workflow_id=workflow_id, forecast__version=1)
        .select_related("clustering_run", "forecast")
        .first()
    )


def approved_arrivals(*, allocation: Allocation) -> dict[int, tuple[ShipmentLine, ...]]:
    """Week -> the approved replenishment and transfer lines arriving at its opening: the
    facts the weekly loop receives."""
    arrivals: dict[int, list[ShipmentLine]] = {}
    rows = allocation.shipments.filter(
        kind__in=[ShipmentKind.REPLENISHMENT, ShipmentKind.TRANSFER],
        status=ShipmentStatus.APPROVED,
    ).order_by("week_number", "kind", "store_id")
    for row in rows:
        arrivals.setdefault(row.week_number, []).append(
            ShipmentLine(
                store_id=row.store_id,
                requested_units=row.requested_units,
                units=row.units,
                is_partial=row.is_partial,
                weeks_of_cover=0.0,
                from_store=row.from_store_id,
            )
        )
    return {week: tuple(lines) for week, lines in arrivals.items()}


def dc_reserve_by_store(*, allocation: Allocation) -> dict[str, int]:
    """Each store's part of the DC holdback, by its season share, summing exactly to the
    holdback (largest remainder)."""
    rows = list(allocation.store_rows.order_by("store_id").values_list("store_id", "season_share"))
    units = largest_remainder(allocation.dc_holdback_units, [share for _, share in rows])
    return {store: part for (store, _), part in zip(rows, units, strict=True)}


def store_list() -> QuerySet[Store]:
    """Stores with the label of their cluster in the latest clustering run (None before any)."""
    latest_run = ClusteringRun.objects.order_by("-created_at", "-pk").values("pk")[:1]
    cluster = StoreCluster.objects.filter(run=Subquery(latest_run), stores=OuterRef("pk"))
    return Store.objects.annotate(cluster_label=Subquery(cluster.values("label")[:1]))
