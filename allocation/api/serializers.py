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
