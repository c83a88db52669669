"""Reads of the markdown app that other apps call."""

from __future__ import annotations

from typing import Any

from forecasting.models import Forecast
from markdowns.choices import MarkdownStatus
from markdowns.models import MarkdownDecision
from planner.engine.season import MarkdownFact


def markdown_summary(decision: MarkdownDecision) -> dict[str, Any]:
    """A decision with the formula's figures, as the API and the stream show it."""
    return {
        "markdown_id": decision.pk,
        "week_number": decision.week_number,
        "sell_through": decision.sell_through,
        "target_sell_through": decision.target_sell_through,
        "gap": decision.gap,
        "elasticity": decision.elasticity,
        "recommended_pct": decision.recommended_pct,
        "expected_lift": decision.expected_lift,
        "reasoning": decision.reasoning,
        "options": decision.options,
        "decided_pct": decision.decided_pct,
        "status": decision.status,
    }


def season_markdowns(*, root: Forecast) -> list[MarkdownDecision]:
    return list(MarkdownDecision.objects.filter(forecast=root).order_by("week_number"))


def pending_markdown(*, root: Forecast) -> MarkdownDecision | None:
    return MarkdownDecision.objects.filter(forecast=root, status=MarkdownStatus.PENDING).first()


def decided_markdowns(*, root: Forecast) -> dict[int, MarkdownFact]:
    """Checkpoint week -> the decided markdown (or its refusal): a fact the weekly loop never
    re-decides."""
    return {
        d.week_number: MarkdownFact(
            d.week_number,
            d.applied_pct,
            d.applied_lift,
            d.elasticity,
            declined=d.status == MarkdownStatus.DECLINED,
        )
        for d in MarkdownDecision.objects.filter(
            forecast=root, status__in=(MarkdownStatus.APPLIED, MarkdownStatus.DECLINED)
        )
    }
