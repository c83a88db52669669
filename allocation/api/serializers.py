from rest_framework import serializers

from allocation.choices import AllocationStatus, ShipmentKind, ShipmentStatus
from allocation.models import StoreCluster
from forecasting.api.serializers import ForecastIdentitySerializer
from shared.answers import ValuesRowSerializer


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


class ClusterRowSerializer(ValuesRowSerializer):
    # A field may share a name with a Field attribute: DRF takes declared fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]
    share = serializers.FloatField()
    initial_units = serializers.IntegerField()


class StoreRowSerializer(ValuesRowSerializer):
    store_id = serializers.CharField()
    cluster = serializers.CharField(source="cluster_label")
    initial_units = serializers.IntegerField()
    season_share = serializers.FloatField()


class ShipmentLineSerializer(ValuesRowSerializer):
    kind = serializers.ChoiceField(choices=ShipmentKind.choices)
    week_number = serializers.IntegerField()
    store_id = serializers.CharField()
    from_store = serializers.CharField(
        source="from_store_id", allow_null=True, help_text="Source store of a transfer."
    )
    requested_units = serializers.IntegerField()
    units = serializers.IntegerField()
    is_partial = serializers.BooleanField()
    status = serializers.ChoiceField(choices=ShipmentStatus.choices)


class AllocationSerializer(serializers.Serializer):
    """An allocation plan with its cluster and store rows and its replenishment lines
    (`selectors.allocation_with_lines`)."""

    allocation_id = serializers.IntegerField(source="allocation.pk")
    status = serializers.ChoiceField(choices=AllocationStatus.choices, source="allocation.status")
    manufacturing_qty = serializers.IntegerField(source="allocation.manufacturing_qty")
    safety_stock_pct = serializers.FloatField(source="allocation.safety_stock_pct")
    dc_holdback_pct = serializers.FloatField(source="allocation.dc_holdback_pct")
    dc_holdback_units = serializers.IntegerField(source="allocation.dc_holdback_units")
    store_initial_units = serializers.IntegerField(source="allocation.store_initial_units")
    reasoning = serializers.CharField(source="allocation.reasoning")
    clusters = ClusterRowSerializer(many=True)
    stores = StoreRowSerializer(many=True)
    shipments = ShipmentLineSerializer(many=True)


class ForecastAllocationSerializer(ForecastIdentitySerializer, AllocationSerializer):
    """The allocation of a forecast's season, named by the forecast asked for."""
