from django.contrib import admin

from allocation.models import (
    Allocation,
    ClusterAllocation,
    ClusteringRun,
    Shipment,
    StoreAllocation,
    StoreCluster,
)


class StoreClusterInline(admin.TabularInline):
    model = StoreCluster
    extra = 0
    fields = ["label", "mean_weekly_sales"]


@admin.register(ClusteringRun)
class ClusteringRunAdmin(admin.ModelAdmin):
    list_display = ["id", "k", "silhouette", "features", "seed", "created_at"]
    inlines = [StoreClusterInline]


@admin.register(StoreCluster)
class StoreClusterAdmin(admin.ModelAdmin):
    list_display = ["id", "label", "run", "mean_weekly_sales"]
    list_filter = ["label"]
    search_fields = ["stores__id"]
    filter_horizontal = ["stores"]


class ClusterAllocationInline(admin.TabularInline):
    model = ClusterAllocation
    extra = 0


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "forecast",
        "status",
        "manufacturing_qty",
        "safety_stock_pct",
        "dc_holdback_units",
        "store_initial_units",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["id", "forecast__id"]
    raw_id_fields = ["forecast", "clustering_run"]
    inlines = [ClusterAllocationInline]


@admin.register(StoreAllocation)
class StoreAllocationAdmin(admin.ModelAdmin):
    list_display = ["allocation", "store", "cluster", "initial_units", "season_share"]
    search_fields = ["store__id", "allocation__id"]
    raw_id_fields = ["allocation", "store", "cluster"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = [
        "allocation",
        "kind",
        "week_number",
        "store",
        "from_store",
        "requested_units",
        "units",
        "is_partial",
        "status",
    ]
    list_filter = ["kind", "status", "is_partial", "week_number"]
    search_fields = ["store__id", "allocation__id"]
    raw_id_fields = ["allocation", "store", "from_store"]


@admin.register(ClusterAllocation)
class ClusterAllocationAdmin(admin.ModelAdmin):
    list_display = ["allocation", "cluster", "share", "initial_units"]
    list_filter = ["cluster__label"]
    search_fields = ["allocation__id"]
    raw_id_fields = ["allocation", "cluster"]
