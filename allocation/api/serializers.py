from rest_framework import serializers

from allocation.models import StoreCluster


class StoreClusterSerializer(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", read_only=True)
    k = serializers.IntegerField(source="run.k", read_only=True)
    silhouette = serializers.FloatField(source="run.silhouette", read_only=True)
    stores = serializers.SerializerMethodField()
    store_count = serializers.SerializerMethodField()

    class Meta:
        model = StoreCluster
        fields = [
            "id",
            "label",
            "run",
            "k",
            "silhouette",
            "mean_weekly_sales",
            "store_count",
            "stores",
        ]

    def get_stores(self, cluster: StoreCluster) -> list[str]:
        return [store.pk for store in cluster.stores.all()]

    def get_store_count(self, cluster: StoreCluster) -> int:
        return len(cluster.stores.all())


class AllocationSerializer(serializers.Serializer):
    """An allocation plan with its cluster and store rows."""

    def to_representation(self, allocation):  # type: ignore[no-untyped-def]
        return {
            "allocation_id": allocation.pk,
            "forecast_id": allocation.forecast_id,
            "status": allocation.status,
            "manufacturing_qty": allocation.manufacturing_qty,
            "safety_stock_pct": allocation.safety_stock_pct,
            "dc_holdback_pct": allocation.dc_holdback_pct,
            "dc_holdback_units": allocation.dc_holdback_units,
            "store_initial_units": allocation.store_initial_units,
            "reasoning": allocation.reasoning,
            "clusters": [
                {"label": r.cluster.label, "share": r.share, "initial_units": r.initial_units}
                for r in allocation.cluster_rows.select_related("cluster")
            ],
            "stores": [
                {
                    "store_id": r.store_id,
                    "cluster": r.cluster.label,
                    "initial_units": r.initial_units,
                    "season_share": r.season_share,
                }
                for r in allocation.store_rows.select_related("cluster")
            ],
            "shipments": [
                {
                    "kind": s.kind,
                    "week_number": s.week_number,
                    "store_id": s.store_id,
                    "from_store": s.from_store_id,
                    "requested_units": s.requested_units,
                    "units": s.units,
                    "is_partial": s.is_partial,
                    "status": s.status,
                }
                for s in allocation.shipments.exclude(kind="initial")
            ],
        }
