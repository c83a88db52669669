"""Use cases of the agents app that write: parameter extraction."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone

from season_agents.choices import Extractor
from season_agents.extraction.llm import ProviderError, extract_llm
from season_agents.extraction.rules import extract_rules
from season_agents.extraction.types import (
    ExtractionDefaults,
    ParameterOutOfRange,
    SeasonParameterSet,
    start_problem,
)
from season_agents.models import ParameterExtraction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractionOutcome:
    parameters: SeasonParameterSet
    extractor: str
    extraction_id: int
    fallback_reason: str  # why the LLM's answer was not used; empty when it was


def llm_configured() -> bool:
    return bool(settings.OPENAI_API_KEY)


def extraction_defaults() -> ExtractionDefaults:
    """The configured defaults for what a season's text leaves unsaid."""
    return ExtractionDefaults(
        dc_holdback_percentage=settings.PLANNING["DEFAULT_DC_HOLDBACK_PCT"],
        markdown_threshold=settings.PLANNING["DEFAULT_MARKDOWN_THRESHOLD"],
    )


def parameters_extract(*, text: str, today: dt.date | None = None) -> ExtractionOutcome:
    """Extracts season parameters with the LLM when a key is configured, else (or when the
    LLM fails) with the rules. Every call is logged, rejected ones too.

    Raises ParameterOutOfRange (after logging it) when a stated value is out of range.
    """
    today = today or timezone.localdate()
    started = time.perf_counter()
    errors: list[str] = []
    extractor = Extractor.RULE_BASED
    result: SeasonParameterSet | None = None
    if llm_configured():
        try:
            result = extract_llm(
                text,
                today=today,
                defaults=extraction_defaults(),
                api_key=settings.OPENAI_API_KEY,
                base_url=settings.OPENAI_BASE_URL,
                model=settings.OPENAI_MODEL,
                timeout=settings.OPENAI_TIMEOUT_SECONDS,
            )
            extractor = Extractor.LLM
        except ProviderError as exc:
            errors.append(f"LLM extractor failed, used the rules: {exc}")
            logger.warning("LLM extraction failed, falling back to rules: %s", exc)
    try:
        if result is None:
            result = extract_rules(text, today=today, defaults=extraction_defaults())
    except ParameterOutOfRange as exc:
        errors.append(f"{exc.field}: {exc}")
        ParameterExtraction.objects.create(
            input_text=text,
            extractor=extractor,
            errors=errors,
            duration_ms=round((time.perf_counter() - started) * 1000),
        )
        raise
    problem = start_problem(
        result.season_start_date, today=today, window_years=settings.SEASON_WINDOW_YEARS
    )
    if problem:
        # Starting the season would refuse this date: say so now, and ask for a look.
        result = replace(
            result,
            extraction_confidence="low",
            extraction_reasoning=f"{result.extraction_reasoning} The season_start_date "
            f"{problem} (SEASON_WINDOW_YEARS): change it before starting.",
        )
    log = ParameterExtraction.objects.create(
        input_text=text,
        output=result.as_dict(),
        extractor=extractor,
        confidence=result.extraction_confidence,
        errors=errors,
        duration_ms=round((time.perf_counter() - started) * 1000),
    )
    return ExtractionOutcome(result, extractor, log.pk, errors[0] if errors else "")


def llm_status(*, check: bool) -> dict[str, object]:
    """Whether an LLM is configured and, with `check`, whether it answers: it lists the models
    (or, where the endpoint has no model list, sends a one-token request)."""
    status: dict[str, object] = {
        "configured": llm_configured(),
        "model": settings.OPENAI_MODEL,
        "base_url": settings.OPENAI_BASE_URL or "https://api.openai.com/v1",
    }
    if not check or not llm_configured():
        return status
    import openai

    client = openai.OpenAI(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL or None,
        timeout=settings.OPENAI_TIMEOUT_SECONDS,
        max_retries=0,
    )
    try:
        try:
            models = [model.id for model in client.models.list()]
            status.update(
                ok=True, how="listed models", model_available=settings.OPENAI_MODEL in models
            )
        except openai.NotFoundError:
            client.chat.completions.create(
                model=settings.OPENAI_MODEL,
                messages=[{"role": "user", "content": "ping"}],
                max_tokens=1,
            )
            status.update(ok=True, how="one-token request")
    except openai.AuthenticationError:
        status.update(ok=False, error="the API key was refused (check OPENAI_API_KEY)")
    except openai.APIConnectionError as exc:
        status.update(ok=False, error=f"cannot reach {status['base_url']}: {exc}")
    except openai.OpenAIError as exc:
        status.update(ok=False, error=f"{type(exc).__name__}: {exc}")
    return status
