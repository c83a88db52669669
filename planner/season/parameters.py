"""The season parameters a person confirms, checked once for the page's form and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from rest_framework import serializers

from planner.season.policy import season_start_problem
from season_agents.extraction.types import STRATEGIES, SeasonParameterSet


class SeasonParametersSerializer(serializers.Serializer):
    """The confirmed season parameters, as fractions: the API's input, and the page's form
    once it has turned its percentages into fractions. A checkpoint without a sell-through
    target takes the configured default; no checkpoint, no target."""

    forecast_horizon_weeks = serializers.IntegerField(min_value=4, max_value=52)
    season_start_date = serializers.DateField()
    replenishment_strategy = serializers.ChoiceField(choices=STRATEGIES)
    dc_holdback_percentage = serializers.FloatField(min_value=0.0, max_value=1.0)
    markdown_checkpoint_week = serializers.IntegerField(min_value=1, allow_null=True, default=None)
    markdown_threshold = serializers.FloatField(
        min_value=0.0, max_value=1.0, allow_null=True, default=None
    )
    extraction_confidence = serializers.ChoiceField(
        choices=["high", "medium", "low"], default="high"
    )
    extraction_reasoning = serializers.CharField(default="", allow_blank=True)

    def validate_season_start_date(self, value: dt.date) -> dt.date:
        problem = season_start_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate(self, data: dict) -> dict:
        checkpoint = data.get("markdown_checkpoint_week")
        if checkpoint is not None and checkpoint > data["forecast_horizon_weeks"]:
            weeks = data["forecast_horizon_weeks"]
            raise serializers.ValidationError(
                {"markdown_checkpoint_week": f"must be within the {weeks} season weeks"}
            )
        if checkpoint is not None and data.get("markdown_threshold") is None:
            data["markdown_threshold"] = settings.PLANNING["DEFAULT_MARKDOWN_THRESHOLD"]
        if checkpoint is None:
            data["markdown_threshold"] = None
        return data


def season_parameter_set(validated: dict[str, Any]) -> SeasonParameterSet:
    """The checked parameters as the season stores them."""
    return SeasonParameterSet(
        forecast_horizon_weeks=validated["forecast_horizon_weeks"],
        season_start_date=validated["season_start_date"],
        replenishment_strategy=validated["replenishment_strategy"],
        dc_holdback_percentage=validated["dc_holdback_percentage"],
        markdown_checkpoint_week=validated["markdown_checkpoint_week"],
        markdown_threshold=validated["markdown_threshold"],
        extraction_confidence=validated["extraction_confidence"],
        extraction_reasoning=validated["extraction_reasoning"],
    )
