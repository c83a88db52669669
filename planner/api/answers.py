"""What the season's endpoints answer, described for the schema; each view renders its
answer through one of these (shared.answers.described), so the schema is the answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_dataclasses.serializers import DataclassSerializer

from allocation.choices import AllocationStatus
from forecasting.choices import ForecastMethod
from markdowns.api.serializers import MarkdownSummarySerializer
from planner.choices import AgentName
from planner.engine.report import SeasonReport
from planner.engine.whatif import Summary
from planner.season.selectors import SeasonToDate
from shared.choices import WorkflowStatus

VARIANCE_BANDS = ["on_track", "elevated", "high"]  # forecasting.engine.variance.band


class LivenessSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok"])


class ReforecastStartedSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    forecast_id = serializers.IntegerField(help_text="The plan in force after the revision.")
    version = serializers.IntegerField()
    total_units = serializers.IntegerField()
    websocket_url = serializers.CharField()


class SeasonToDateSerializer(DataclassSerializer):
    """Where stock and sales stand after the weeks uploaded so far."""

    class Meta:
        dataclass = SeasonToDate


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    }
)
class WeekMarkdownsField(serializers.JSONField):
    """[week, markdown as a fraction of the price] for each decided markdown."""


class SeasonReportSerializer(DataclassSerializer):
    """The season's report once its last week is in."""

    markdowns = WeekMarkdownsField(
        help_text="[week, markdown as a fraction of the price] for each decided markdown."
    )

    class Meta:
        dataclass = SeasonReport


class ForecastVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    method = serializers.ChoiceField(choices=ForecastMethod.choices)
    total_units = serializers.IntegerField()


class OrderSerializer(serializers.Serializer):
    allocation_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AllocationStatus.choices)
    manufacturing_qty = serializers.IntegerField()
    safety_stock_pct = serializers.FloatField()
    dc_holdback_units = serializers.IntegerField()
    store_initial_units = serializers.IntegerField()


class WorkflowResultsSerializer(serializers.Serializer):
    """Ids and headline figures of what a season produced."""

    workflow_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=WorkflowStatus.choices)
    season_week = serializers.IntegerField()
    forecasts = ForecastVersionSerializer(many=True, help_text="Every plan version, oldest first.")
    current_forecast_id = serializers.IntegerField(allow_null=True)
    allocation = OrderSerializer(allow_null=True)
    revision_weeks = serializers.ListField(child=serializers.IntegerField())
    weeks_uploaded = serializers.IntegerField()
    markdowns = MarkdownSummarySerializer(many=True)
    to_date = SeasonToDateSerializer(allow_null=True, help_text="Once the order is accepted.")
    report = SeasonReportSerializer(allow_null=True, help_text="Once the season is closed.")


class EconomicsSerializer(serializers.Serializer):
    price = serializers.FloatField()
    unit_cost = serializers.FloatField()
    salvage_value = serializers.FloatField()
    shipment_cost = serializers.FloatField()
    sources = serializers.DictField(
        child=serializers.CharField(), help_text="Where each value came from."
    )
    critical_ratio = serializers.FloatField()


class ShareSpreadSerializer(serializers.Serializer):
    cv = serializers.FloatField()
    # A field may share a name with a Field attribute: DRF takes declared fields off the class.
    source = serializers.CharField()  # type: ignore[assignment]


class MetricSerializer(DataclassSerializer):
    class Meta:
        dataclass = Summary


class PolicySerializer(serializers.Serializer):
    # A field may share a name with a Field attribute: DRF takes declared fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    order_units = serializers.IntegerField()
    holdback_pct = serializers.FloatField()
    strategy = serializers.CharField()
    safety_stock_pct = serializers.FloatField()
    markdown_threshold = serializers.FloatField(allow_null=True)
    metrics = serializers.DictField(
        child=MetricSerializer(),
        help_text="Each metric's P10, P50, P90 and mean over the demand paths.",
    )


class WhatIfComparisonSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    economics = EconomicsSerializer()
    store_share_spread = ShareSpreadSerializer()
    paths = serializers.IntegerField()
    search_paths = serializers.IntegerField()
    seed = serializers.IntegerField()
    policies = PolicySerializer(many=True)
    actual_weeks = PolicySerializer(
        many=True,
        allow_null=True,
        help_text="After the season closes: each policy replayed on the weeks that happened.",
    )
    seconds = serializers.FloatField()


class ReplenishmentDecidedSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    week_number = serializers.IntegerField()
    approved_shipments = serializers.IntegerField()
    rejected_shipments = serializers.IntegerField()


class WeekVarianceSerializer(serializers.Serializer):
    actual_units = serializers.IntegerField()
    forecast_units = serializers.FloatField()
    weekly_variance = serializers.FloatField()
    weekly_band = serializers.ChoiceField(choices=VARIANCE_BANDS)
    cumulative_variance = serializers.FloatField()
    cumulative_band = serializers.ChoiceField(choices=VARIANCE_BANDS)
    reforecast = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class ProposalSerializer(serializers.Serializer):
    week_number = serializers.IntegerField()
    units = serializers.IntegerField()
    stores = serializers.IntegerField()
    partial_shipments = serializers.IntegerField()
    dc_available_after = serializers.IntegerField()
    status = serializers.CharField(help_text="proposed, approved (auto-approval) or none.")
    note = serializers.CharField(allow_blank=True)


class WeekUploadedSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    week_number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=WorkflowStatus.choices)
    variance = WeekVarianceSerializer()
    plan_factor = serializers.FloatField()
    flags = serializers.ListField(child=serializers.CharField())
    replenishment = ProposalSerializer(allow_null=True)
    markdown_id = serializers.IntegerField(allow_null=True)
    to_date = SeasonToDateSerializer()
    report = SeasonReportSerializer(allow_null=True)
    actions = serializers.ListField(child=serializers.CharField())
    seconds = serializers.FloatField(help_text="How long the week took to process.")


class AgentStepSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    agent = serializers.ChoiceField(choices=AgentName.choices)
    mode = serializers.CharField(help_text="deterministic or llm.")
    fallback_reason = serializers.CharField(allow_blank=True, allow_null=True)
    reasoning = serializers.CharField(allow_blank=True)
    result = serializers.JSONField(help_text="The step's summary: its ids and figures.")


class WeekReviewSerializer(serializers.Serializer):
    forecast_id = serializers.IntegerField()
    compared_with_forecast_id = serializers.IntegerField(
        help_text="The week's plan of record: the version in force when it was first observed."
    )
    week_number = serializers.IntegerField()
    actual_units = serializers.IntegerField()
    forecast_units = serializers.FloatField()
    weekly_variance = serializers.FloatField()
    weekly_band = serializers.ChoiceField(choices=VARIANCE_BANDS)
    cumulative_variance = serializers.FloatField()
    cumulative_band = serializers.ChoiceField(choices=VARIANCE_BANDS)
    reforecast_triggered = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    plan_factor = serializers.FloatField()
    stockout_stores = serializers.IntegerField()
    excess_units = serializers.IntegerField()
    flags = serializers.ListField(child=serializers.CharField())
    actions = serializers.ListField(child=serializers.CharField())
