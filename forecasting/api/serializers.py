from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forecasting.models import Forecast, ForecastWeek
from forecasting.selectors import root_forecast, season_range


class ForecastWeekSerializer(serializers.ModelSerializer):
    members = serializers.DictField(
        child=serializers.FloatField(), read_only=True, help_text="Each member's units."
    )

    class Meta:
        model = ForecastWeek
        fields = [
            "week_number",
            "week_start_date",
            "units",
            "lower_80",
            "upper_80",
            "lower_95",
            "upper_95",
            "members",
            "is_actual",
        ]


class SeasonRangeSerializer(serializers.Serializer):
    low_80 = serializers.IntegerField()
    high_80 = serializers.IntegerField()
    low_95 = serializers.IntegerField()
    high_95 = serializers.IntegerField()
    history = serializers.CharField(help_text="Where the forecast's own error spread came from.")
    shock = serializers.CharField(help_text="Where the season-shock spread came from.")
    shock_is_prior = serializers.BooleanField(
        help_text="True while no season has closed: the shock is the configured prior."
    )


class ForecastListSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category_id")

    class Meta:
        model = Forecast
        fields = [
            "id",
            "category",
            "workflow",
            "parent",
            "version",
            "method",
            "season_start_date",
            "season_end_date",
            "horizon_weeks",
            "total_units",
            "peak_week",
            "backtest_wape",
            "created_at",
        ]


class ForecastDetailSerializer(ForecastListSerializer):
    weeks = ForecastWeekSerializer(many=True, read_only=True)
    weights = serializers.DictField(
        child=serializers.FloatField(), read_only=True, help_text="Each member's weight."
    )
    clusters = serializers.SerializerMethodField()
    season_range = serializers.SerializerMethodField(
        help_text="Where the season's demand total should land (units): the 80 and 95 % "
        "intervals of the pre-season forecast, and where their spread came from (the "
        "forecast's errors on past seasons; the season shock, a prior until seasons close)."
    )

    class Meta(ForecastListSerializer.Meta):
        fields = [
            *ForecastListSerializer.Meta.fields,
            "weights",
            "weighting_note",
            "backtest_mape",
            "adjustment",
            "season_range",
            "weeks",
            "clusters",
        ]

    @extend_schema_field(SeasonRangeSerializer)
    def get_season_range(self, forecast: Forecast) -> dict[str, object]:
        return SeasonRangeSerializer(season_range(forecast)).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_clusters(self, forecast: Forecast) -> list[dict[str, object]]:
        """The cluster split of this forecast's season (from its allocation, if any)."""
        allocation = getattr(root_forecast(forecast), "allocation", None)
        if allocation is None:
            return []
        return [
            {"label": row.cluster.label, "share": row.share, "initial_units": row.initial_units}
            for row in allocation.cluster_rows.select_related("cluster")
        ]


class ForecastIdentitySerializer(serializers.Serializer):
    """What an answer keyed by a forecast id says about it (selectors.forecast_identity)."""

    forecast_id = serializers.IntegerField(help_text="The forecast asked for.")
    forecast_version = serializers.IntegerField()
    workflow_id = serializers.IntegerField(allow_null=True, help_text="Its season.")
    season_forecast_id = serializers.IntegerField(
        help_text="The season's pre-season forecast, which holds its allocation and markdowns."
    )
