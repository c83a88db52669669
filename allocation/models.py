"""Store clusters, the manufacturing order and its allocation, shipments.

The inventory ledger is derived from shipments and weekly actuals, not stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from allocation.choices import AllocationStatus, ShipmentKind, ShipmentStatus


class ClusteringRun(models.Model):
    """One K-means run over the store attributes."""

    k = models.PositiveSmallIntegerField()
    silhouette = models.FloatField(help_text="Mean silhouette score, -1 to 1.")
    features = models.JSONField(default=list, help_text="Store attributes the run used.")
    seed = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(k__gte=2), name="clustering_k_at_least_2"),
            models.CheckConstraint(
                condition=Q(silhouette__gte=-1, silhouette__lte=1),
                name="clustering_silhouette_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Clustering {self.pk} (k={self.k}, silhouette {self.silhouette:.2f})"


class StoreCluster(models.Model):
    """A group of stores of one clustering run, labelled by mean sales level.

    K = 3 gives fashion_forward, mainstream, value_conscious; other K give fashion_forward,
    mainstream_1.., value_conscious (allocation.engine.clustering.cluster_labels).
    """

    run = models.ForeignKey(ClusteringRun, on_delete=models.CASCADE, related_name="clusters")
    label = models.CharField(max_length=20)
    stores = models.ManyToManyField("shared.Store", related_name="clusters")
    mean_weekly_sales = models.FloatField(
        null=True, blank=True, help_text="Mean avg_weekly_sales_12mo of the members, USD."
    )

    class Meta:
        ordering = ["run", "label"]
        constraints = [
            models.UniqueConstraint(fields=["run", "label"], name="cluster_unique_label"),
        ]

    def __str__(self) -> str:
        return f"{self.label} (run {self.run_id})"


class Allocation(models.Model):
    """The manufacturing order for a forecast and its split: DC holdback, clusters, stores."""

    forecast = models.OneToOneField(
        "forecasting.Forecast", on_delete=models.PROTECT, related_name="allocation"
    )
    clustering_run = models.ForeignKey(
        ClusteringRun, on_delete=models.PROTECT, related_name="allocations"
    )
    status = models.CharField(
        max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.PROPOSED
    )
    safety_stock_pct = models.FloatField(help_text="Fraction, 0.10-0.30.")
    manufacturing_qty = models.PositiveIntegerField(
        help_text="ceil(total forecast x (1 + safety stock))."
    )
    dc_holdback_pct = models.FloatField(help_text="Fraction, 0-1.")
    dc_holdback_units = models.PositiveIntegerField()
    store_initial_units = models.PositiveIntegerField()
    reasoning = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(safety_stock_pct__gte=0.10, safety_stock_pct__lte=0.30),
                name="allocation_safety_stock_range",
            ),
            models.CheckConstraint(
                condition=Q(dc_holdback_pct__gte=0, dc_holdback_pct__lte=1),
                name="allocation_holdback_fraction",
            ),
            models.CheckConstraint(
                condition=Q(manufacturing_qty=F("dc_holdback_units") + F("store_initial_units")),
                name="allocation_units_conserved",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AllocationStatus.values), name="allocation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Allocation {self.pk}: {self.manufacturing_qty} units"


class ClusterAllocation(models.Model):
    """The initial units of one cluster and its share of the category's history."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="cluster_rows"
    )
    cluster = models.ForeignKey(StoreCluster, on_delete=models.PROTECT, related_name="+")
    share = models.FloatField(help_text="Fraction of store units, 0-1.")
    initial_units = models.PositiveIntegerField()

    class Meta:
        ordering = ["allocation", "-share"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "cluster"], name="cluster_allocation_unique"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=1), name="cluster_allocation_share_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.initial_units}"


class StoreAllocation(models.Model):
    """One store's initial units and its planned share of the season's store demand."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="store_rows")
    store = models.ForeignKey("shared.Store", on_delete=models.PROTECT, related_name="+")
    cluster = models.ForeignKey(StoreCluster, on_delete=models.PROTECT, related_name="+")
    initial_units = models.PositiveIntegerField()
    season_share = models.FloatField(help_text="Fraction of the category's store demand, 0-1.")

    class Meta:
        ordering = ["allocation", "store"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "store"], name="store_allocation_unique"),
            models.CheckConstraint(
                condition=Q(season_share__gte=0, season_share__lte=1),
                name="store_allocation_share_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}: {self.initial_units}"


class Shipment(models.Model):
    """Units moved to a store: the initial allocation, a DC replenishment or a transfer."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="shipments")
    kind = models.CharField(max_length=15, choices=ShipmentKind.choices)
    week_number = models.PositiveSmallIntegerField(
        help_text="Season week the units arrive for; 1 for the initial allocation."
    )
    store = models.ForeignKey("shared.Store", on_delete=models.PROTECT, related_name="+")
    from_store = models.ForeignKey(
        "shared.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Source store of a transfer; empty when units come from the DC.",
    )
    requested_units = models.PositiveIntegerField(help_text="What the store needed.")
    units = models.PositiveIntegerField(help_text="What is shipped.")
    proposed_units = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="What the proposal said, when a person changed the units before approving.",
    )
    is_partial = models.BooleanField(default=False, help_text="The DC could not cover the need.")
    status = models.CharField(
        max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.PROPOSED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["allocation", "week_number", "store"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "kind", "week_number", "store"],
                name="shipment_unique_per_week",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ShipmentKind.values), name="shipment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ShipmentStatus.values), name="shipment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(units__lte=F("requested_units")),
                name="shipment_units_at_most_requested",
            ),
            models.CheckConstraint(
                condition=Q(kind=ShipmentKind.TRANSFER, from_store__isnull=False)
                | (~Q(kind=ShipmentKind.TRANSFER) & Q(from_store__isnull=True)),
                name="shipment_transfer_has_source",
            ),
            models.CheckConstraint(
                condition=Q(week_number__gte=1, week_number__lte=52),
                name="shipment_week_in_range",
            ),
        ]
        indexes = [models.Index(fields=["allocation", "status"], name="shipment_status")]

    def __str__(self) -> str:
        return f"{self.kind} W{self.week_number} -> {self.store_id}: {self.units}"
