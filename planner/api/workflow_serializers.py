from typing import Any

from rest_framework import serializers

from allocation.engine.allocation import SAFETY_STOCK_RANGE
from markdowns.engine.markdown import ELASTICITY_RANGE, MAX_MARKDOWN_PCT
from planner.models import Workflow
from planner.season.parameters import SeasonParametersSerializer
from planner.season.states import AWAITING_ACTION, describe
from season_agents.extraction.types import STRATEGIES


class StartForecastSerializer(serializers.Serializer):
    category = serializers.SlugField(help_text="Category slug, e.g. womens-dresses.")
    parameters = SeasonParametersSerializer()
    extraction_id = serializers.IntegerField(required=False, allow_null=True)


class StartReforecastSerializer(serializers.Serializer):
    forecast_id = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class WorkflowStartedSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    status = serializers.CharField()
    websocket_url = serializers.CharField()


class WorkflowSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category_id")
    websocket_url = serializers.SerializerMethodField()
    status_text = serializers.SerializerMethodField()
    awaiting_action = serializers.SerializerMethodField()

    class Meta:
        model = Workflow
        fields = [
            "id",
            "status",
            "status_text",
            "season_week",
            "awaiting_action",
            "current_agent",
            "progress_pct",
            "category",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "websocket_url",
        ]

    def get_websocket_url(self, workflow: Workflow) -> str:
        return f"/api/workflows/{workflow.pk}/stream"

    def get_status_text(self, workflow: Workflow) -> str:
        """Where the season is, in words (e.g. "in season, week 5 of 12 (week 6 due)")."""
        return describe(workflow)

    def get_awaiting_action(self, workflow: Workflow) -> str:
        """The decision a person must make now, if any."""
        return AWAITING_ACTION.get(workflow.status, "")


class ManufacturingApprovalSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["accept", "modify"])
    safety_stock_pct = serializers.FloatField(
        min_value=SAFETY_STOCK_RANGE[0], max_value=SAFETY_STOCK_RANGE[1], required=False
    )
    dc_holdback_pct = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    replenishment_strategy = serializers.ChoiceField(choices=STRATEGIES, required=False)
    markdown_threshold = serializers.FloatField(
        min_value=0.0,
        max_value=1.0,
        required=False,
        allow_null=True,
        help_text="Sell-through target at the season's checkpoint, 0-1; null: no markdown.",
    )

    def validate(self, data: dict) -> dict:
        changes = {"safety_stock_pct", "dc_holdback_pct", "replenishment_strategy"}
        if data["action"] == "modify" and not (changes | {"markdown_threshold"}) & set(data):
            raise serializers.ValidationError(
                {
                    "safety_stock_pct": "modify needs a safety stock, a DC holdback, a "
                    "replenishment strategy or a markdown threshold"
                }
            )
        return data


class MarkdownApprovalSerializer(serializers.Serializer):
    """`accept` the recommendation, or a depth picked from the options or typed
    (`markdown_pct`, a fraction); `decline` any markdown; `modify` the seed's rule's
    elasticity and price the options again."""

    workflow_id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["accept", "modify", "decline"])
    elasticity_coefficient = serializers.FloatField(
        min_value=ELASTICITY_RANGE[0], max_value=ELASTICITY_RANGE[1], required=False
    )
    markdown_pct = serializers.FloatField(min_value=0.0, max_value=MAX_MARKDOWN_PCT, required=False)

    def validate(self, data: dict) -> dict:
        if data["action"] == "modify" and "elasticity_coefficient" not in data:
            raise serializers.ValidationError(
                {"elasticity_coefficient": "modify needs an elasticity (1.0-3.0)"}
            )
        if "markdown_pct" in data and data["action"] != "accept":
            raise serializers.ValidationError(
                {"markdown_pct": "a markdown depth goes with accept (decline takes none)"}
            )
        return data


MAX_LINE_CHANGES = 10_000


class ShipmentLineChangeSerializer(serializers.Serializer):
    """One proposed line as a person leaves it: its store (and source store for a transfer)
    and the units to ship, 0 to reject it."""

    store_id = serializers.CharField(max_length=50)
    from_store = serializers.CharField(max_length=50, required=False, allow_null=True)
    units = serializers.IntegerField(min_value=0, max_value=10_000_000)


class ReplenishmentApprovalSerializer(serializers.Serializer):
    """Approve the week's proposal as made, with some lines changed (`lines`), or reject it
    whole (`action: reject`)."""

    workflow_id = serializers.IntegerField()
    week_number = serializers.IntegerField(min_value=1, max_value=52)
    action = serializers.ChoiceField(choices=["approve", "reject"], default="approve")
    lines = ShipmentLineChangeSerializer(many=True, required=False)

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(lines) > MAX_LINE_CHANGES:
            raise serializers.ValidationError(f"at most {MAX_LINE_CHANGES:,} lines")
        return lines

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        keys = [(line["store_id"], line.get("from_store")) for line in attrs.get("lines", [])]
        repeated = sorted({store for store, source in keys if keys.count((store, source)) > 1})
        if repeated:
            raise serializers.ValidationError(
                {"lines": f"each line once: {', '.join(repeated[:5])} appear more than once"}
            )
        if attrs["action"] == "reject" and keys:
            raise serializers.ValidationError(
                {"lines": "a rejected proposal takes no line changes"}
            )
        return attrs

    def changes(self) -> dict[tuple[str, str | None], int]:
        return {
            (line["store_id"], line.get("from_store")): line["units"]
            for line in self.validated_data.get("lines", [])
        }


class WeeklyUploadSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    week_number = serializers.IntegerField(min_value=1, max_value=52)
    file = serializers.FileField()
    replace = serializers.BooleanField(default=False)


class AgentStepRequestSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField(
        help_text="The workflow whose step to run; results it already has are reused."
    )


class WhatIfSerializer(serializers.Serializer):
    """Your choice (any of the first five; none: only the plan, push and recommended), and the
    simulation's size and seed."""

    holdback_pct = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    safety_stock_pct = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    replenishment_strategy = serializers.ChoiceField(choices=STRATEGIES, required=False)
    markdown_threshold = serializers.FloatField(
        min_value=0.0, max_value=1.0, required=False, allow_null=True
    )
    order_units = serializers.IntegerField(min_value=1, max_value=100_000_000, required=False)
    paths = serializers.IntegerField(min_value=10, max_value=200, default=100)
    search_paths = serializers.IntegerField(min_value=3, max_value=12, default=12)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=1)

    OVERRIDES = (
        "holdback_pct",
        "safety_stock_pct",
        "replenishment_strategy",
        "markdown_threshold",
        "order_units",
    )
