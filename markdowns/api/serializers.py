"""What the markdown endpoints answer, described for the schema and rendered through it."""

from rest_framework import serializers
from rest_framework_dataclasses.serializers import DataclassSerializer

from forecasting.api.serializers import ForecastIdentitySerializer
from markdowns.choices import MarkdownStatus
from markdowns.engine.pricing import MarkdownOption


class MarkdownOptionSerializer(DataclassSerializer):
    class Meta:
        dataclass = MarkdownOption


class MarkdownSummarySerializer(serializers.Serializer):
    """A decision with the formula's figures (markdowns.selectors.markdown_summary)."""

    markdown_id = serializers.IntegerField()
    week_number = serializers.IntegerField(help_text="The checkpoint week.")
    sell_through = serializers.FloatField(help_text="Sold / received by stores, fraction.")
    target_sell_through = serializers.FloatField()
    gap = serializers.FloatField(help_text="target - sell-through; no markdown when <= 0.")
    elasticity = serializers.FloatField()
    recommended_pct = serializers.FloatField()
    expected_lift = serializers.FloatField()
    reasoning = serializers.CharField()
    options = MarkdownOptionSerializer(many=True, help_text="The priced options.")
    decided_pct = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=MarkdownStatus.choices)


class SeasonMarkdownsSerializer(ForecastIdentitySerializer):
    markdowns = MarkdownSummarySerializer(many=True)
