from rest_framework import serializers

from season_agents.extraction.types import MAX_INPUT_CHARS, MIN_INPUT_CHARS


class ExtractRequestSerializer(serializers.Serializer):
    user_input = serializers.CharField(
        allow_blank=True,
        trim_whitespace=True,
        help_text=f"The season described in plain English, {MIN_INPUT_CHARS}-{MAX_INPUT_CHARS} "
        "characters.",
    )

    def validate_user_input(self, value: str) -> str:
        if not value:
            raise serializers.ValidationError("describe the season in plain English (it is empty)")
        if not MIN_INPUT_CHARS <= len(value) <= MAX_INPUT_CHARS:
            raise serializers.ValidationError(
                f"describe the season in {MIN_INPUT_CHARS} to {MAX_INPUT_CHARS} characters "
                f"(this is {len(value)})"
            )
        return value


class SeasonParametersOutSerializer(serializers.Serializer):
    forecast_horizon_weeks = serializers.IntegerField()
    season_start_date = serializers.DateField()
    season_end_date = serializers.DateField()
    replenishment_strategy = serializers.ChoiceField(choices=["none", "weekly", "bi-weekly"])
    dc_holdback_percentage = serializers.FloatField()
    markdown_checkpoint_week = serializers.IntegerField(allow_null=True)
    markdown_threshold = serializers.FloatField(allow_null=True)
    extraction_confidence = serializers.ChoiceField(choices=["high", "medium", "low"])
    extraction_reasoning = serializers.CharField()
    stated_fields = serializers.ListField(child=serializers.CharField())
    defaulted_fields = serializers.ListField(child=serializers.CharField())


class ExtractResponseSerializer(serializers.Serializer):
    parameters = SeasonParametersOutSerializer()
    extractor = serializers.ChoiceField(choices=["rule_based", "llm"])
    extraction_id = serializers.IntegerField()
    fallback_reason = serializers.CharField(allow_blank=True)
    needs_confirmation = serializers.BooleanField(
        help_text="True when confidence is not high: show the fields for the user to confirm."
    )
