from decimal import Decimal
from typing import Any

from rest_framework import serializers

from shared.answers import ValuesRowSerializer
from shared.models import Category, Store
from shared.selectors import category_economics_view


class CategorySerializer(serializers.ModelSerializer):
    history_start = serializers.DateField(read_only=True, allow_null=True)
    history_end = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "history_row_count", "history_start", "history_end"]

    def to_representation(self, instance: Category) -> dict[str, Any]:
        """The category with its economics as the what-if uses them (price, unit cost, salvage
        value, shipment cost and where each came from), or why they do not hold together."""
        return {**super().to_representation(instance), **category_economics_view(instance)}


class CategoryEconomicsSerializer(serializers.Serializer):
    """A category's economics per unit; null or absent: the default (history revenue / units
    and the PLANNING_* shares). Checked together with the defaults the others take."""

    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), allow_null=True, default=None
    )
    unit_cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), allow_null=True, default=None
    )
    salvage_value = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), allow_null=True, default=None
    )
    shipment_cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), allow_null=True, default=None
    )


class StoreSerializer(ValuesRowSerializer, serializers.ModelSerializer):
    """A store as a row of values (`StoreViewSet` reads `value_keys`)."""

    cluster = serializers.CharField(
        source="cluster_label",
        read_only=True,
        allow_null=True,
        help_text="Cluster label in the latest clustering run; null before clustering.",
    )

    class Meta:
        model = Store
        fields = [
            "id",
            "name",
            "cluster",
            "size_sqft",
            "median_income",
            "location_tier",
            "fashion_tier",
            "store_format",
            "region",
            "avg_weekly_sales_12mo",
            "foot_traffic",
            "competitor_density",
            "online_penetration",
            "population_density",
            "mall_location",
        ]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file (multipart/form-data).")


class ImportSummarySerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    categories = serializers.ListField(child=serializers.CharField())
    duration_seconds = serializers.FloatField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    database = serializers.DictField()
    channel_layer = serializers.DictField()
    llm = serializers.DictField()
