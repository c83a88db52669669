"""The LLM extractor: an OpenAI-compatible chat model with JSON-schema output.

Prompt building and output parsing are pure functions; `extract_llm` makes the one call. Every
provider failure (connection, timeout, rate limit, refusal, malformed or invalid output)
becomes ProviderError, and the caller falls back to the rule-based extractor.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from season_agents.extraction.rules import (
    DEFAULT_HORIZON_WEEKS,
    DEFAULT_STRATEGY,
)
from season_agents.extraction.types import (
    ExtractionDefaults,
    ParameterOutOfRange,
    SeasonParameterSet,
    finished,
    next_monday_after,
)


class ProviderError(Exception):
    """The model endpoint failed or answered with something unusable."""


SYSTEM_PROMPT = """You extract season-planning parameters for a fashion retailer.
Today is {today}. Return JSON only, matching the schema. Use null for anything the text does
not state; never guess. Rules:
- forecast_horizon_weeks: "12 weeks" -> 12, "3 months" -> 13, "6 months" -> 26, "quarter" -> 13.
- season_start_date (YYYY-MM-DD): a date without a year is its next occurrence on or after today;
  "next Monday" is the Monday after today.
- replenishment_strategy: "none" for no replenishment, one-shot, single drop, one initial
  allocation; "bi-weekly" for every two weeks, fortnightly; "weekly" for weekly.
- dc_holdback_percentage (fraction 0-1): "45% holdback/reserve/at the DC" -> 0.45; "all inventory
  to stores" or "no holdback" -> 0.0; "send 80% to stores" -> 0.2.
- markdown ("markdown", "mark down", "discount", "reprice"): "no markdowns" -> markdown_stated
  true with markdown_checkpoint_week null; "markdown at week 6" -> 6; "mid-season" -> horizon
  // 2; a sell-through target in any order ("below 60% sell-through", "sell-through is under
  45%", "less than half") -> markdown_threshold 0.6, 0.45, 0.5; null when no target is stated.
- reasoning: which words produced which value."""

JSON_SCHEMA: dict[str, Any] = {
    "name": "season_parameters",
    "strict": True,
    "schema": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "forecast_horizon_weeks": {"type": ["integer", "null"]},
            "season_start_date": {"type": ["string", "null"]},
            "replenishment_strategy": {
                "type": ["string", "null"],
                "enum": ["none", "weekly", "bi-weekly", None],
            },
            "dc_holdback_percentage": {"type": ["number", "null"]},
            "markdown_stated": {"type": "boolean"},
            "markdown_checkpoint_week": {"type": ["integer", "null"]},
            "markdown_threshold": {"type": ["number", "null"]},
            "reasoning": {"type": "string"},
        },
        "required": [
            "forecast_horizon_weeks",
            "season_start_date",
            "replenishment_strategy",
            "dc_holdback_percentage",
            "markdown_stated",
            "markdown_checkpoint_week",
            "markdown_threshold",
            "reasoning",
        ],
    },
}


def build_messages(text: str, *, today: dt.date) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(today=today.isoformat())},
        {"role": "user", "content": text},
    ]


def parse_output(
    raw: str | None, *, today: dt.date, defaults: ExtractionDefaults
) -> SeasonParameterSet:
    """Model JSON -> validated parameters; ProviderError when it is not usable."""
    try:
        data = json.loads(raw or "")
    except json.JSONDecodeError as exc:
        raise ProviderError(f"the model did not return JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ProviderError("the model returned JSON that is not an object")
    try:
        horizon = data.get("forecast_horizon_weeks")
        start_text = data.get("season_start_date")
        strategy = data.get("replenishment_strategy")
        holdback = data.get("dc_holdback_percentage")
        markdown_stated = bool(data.get("markdown_stated")) or (
            data.get("markdown_checkpoint_week") is not None
        )
        checkpoint = data.get("markdown_checkpoint_week")
        threshold = data.get("markdown_threshold")
        stated = {
            field
            for field, given in (
                ("forecast_horizon_weeks", horizon is not None),
                ("season_start_date", start_text is not None),
                ("replenishment_strategy", strategy is not None),
                ("dc_holdback_percentage", holdback is not None),
                ("markdown_checkpoint_week", markdown_stated),
                # "no markdowns" states both; a checkpoint without a target states only it.
                (
                    "markdown_threshold",
                    markdown_stated and (checkpoint is None or threshold is not None),
                ),
            )
            if given
        }
        start = dt.date.fromisoformat(start_text) if start_text else next_monday_after(today)
        result = finished(
            SeasonParameterSet(
                forecast_horizon_weeks=int(horizon)
                if horizon is not None
                else DEFAULT_HORIZON_WEEKS,
                season_start_date=start,
                replenishment_strategy=str(strategy) if strategy is not None else DEFAULT_STRATEGY,
                dc_holdback_percentage=float(holdback)
                if holdback is not None
                else defaults.dc_holdback_percentage,
                markdown_checkpoint_week=int(checkpoint) if checkpoint is not None else None,
                markdown_threshold=(
                    None
                    if checkpoint is None
                    else float(threshold)
                    if threshold is not None
                    else defaults.markdown_threshold
                ),
                extraction_confidence="low",
                extraction_reasoning=str(data.get("reasoning") or ""),
            ),
            stated,
        )
    except (TypeError, ValueError) as exc:
        # ParameterOutOfRange is a ValueError: a model that answers out of range is treated
        # as unusable output, and the rule-based extractor decides.
        reason = f"{exc.field}: {exc}" if isinstance(exc, ParameterOutOfRange) else str(exc)
        raise ProviderError(f"the model's values are not valid ({reason})") from None
    return result


def extract_llm(
    text: str,
    *,
    today: dt.date,
    defaults: ExtractionDefaults,
    api_key: str,
    base_url: str,
    model: str,
    timeout: float,
) -> SeasonParameterSet:
    """One chat completion at temperature 0 with JSON-schema output.

    The openai client retries connection errors, 408/429/5xx twice with exponential backoff.
    """
    import openai

    client = openai.OpenAI(
        api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=2
    )
    try:
        completion = client.chat.completions.create(  # type: ignore[call-overload]
            model=model,
            messages=build_messages(text, today=today),
            temperature=0,
            response_format={"type": "json_schema", "json_schema": JSON_SCHEMA},
        )
    except openai.OpenAIError as exc:
        raise ProviderError(f"{type(exc).__name__}: {exc}") from None
    if not completion.choices:
        raise ProviderError("the model returned no choices")
    message = completion.choices[0].message
    if getattr(message, "refusal", None):
        raise ProviderError(f"the model refused: {message.refusal}")
    return parse_output(message.content, today=today, defaults=defaults)
