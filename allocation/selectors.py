"""Reads of the allocation app that views and other apps call."""

from __future__ import annotations

from django.db.models import QuerySet

from allocation.models import ClusteringRun, StoreCluster


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
        .prefetch_related("stores")
        .order_by("label")
    )
