"""Reads of the markdown app that other apps call."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery

from forecasting.models import Forecast
from markdowns.choices import MarkdownStatus
from markdowns.engine.markdown import MarkdownFact
from markdowns.models import MarkdownDecision
from shared.choices import WorkflowStatus


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


def markdown_responses(*, category_id: str) -> list[float]:
    """The category's closed seasons' markdown responses: realised lift / assumed lift, as
    the last plan of each season learned it (`lift_learned`)."""
    latest = (
        Forecast.objects.filter(workflow_id=OuterRef("workflow_id"))
        .order_by("-version")
        .values("version")[:1]
    )
    finals = Forecast.objects.filter(
        category_id=category_id, workflow__status=WorkflowStatus.CLOSED, version=Subquery(latest)
    ).values_list("adjustment", flat=True)
    return [
        float(adjustment["lift_learned"]["response"])
        for adjustment in finals
        if isinstance(adjustment, dict) and isinstance(adjustment.get("lift_learned"), dict)
    ]


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
            forecast=root,
            status__in=(
                MarkdownStatus.APPLIED,
                MarkdownStatus.DECLINED,
                MarkdownStatus.NOT_NEEDED,
            ),
        )
    }
