"""Use cases of the markdown app that write (SPEC.md section 7.7)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from forecasting.models import Forecast
from markdowns.choices import MarkdownStatus
from markdowns.engine.markdown import MarkdownRecommendation, recommend_markdown
from markdowns.models import MarkdownDecision
from planner.conflicts import Conflict


class MarkdownDecided(Conflict):
    """The checkpoint's markdown was already decided: decisions are facts (HTTP 409)."""


def markdown_recommend(
    *, root: Forecast, recommendation: MarkdownRecommendation, week_number: int
) -> MarkdownDecision:
    """Records the checkpoint's recommendation: pending approval, or decided at once when no
    markdown is needed. A decided checkpoint is never reset (a re-upload keeps it)."""
    decided = MarkdownDecision.objects.filter(
        forecast=root, week_number=week_number, status=MarkdownStatus.APPLIED
    ).first()
    if decided is not None:
        return decided
    needed = recommendation.markdown_pct > 0
    decision, _ = MarkdownDecision.objects.update_or_create(
        forecast=root,
        week_number=week_number,
        defaults={
            "sell_through": recommendation.sell_through,
            "target_sell_through": recommendation.target,
            "gap": recommendation.gap,
            "elasticity": recommendation.elasticity,
            "recommended_pct": recommendation.markdown_pct,
            "expected_lift": recommendation.expected_lift,
            "reasoning": recommendation.reasoning,
            "status": MarkdownStatus.PENDING if needed else MarkdownStatus.APPLIED,
            "approved_at": None if needed else timezone.now(),
        },
    )
    return decision


def markdown_modify(
    *, decision: MarkdownDecision, elasticity: float, cap: float, lift_per_point: float
) -> MarkdownDecision:
    """The pending recommendation at another elasticity (1.0-3.0); nothing is decided."""
    if decision.status != MarkdownStatus.PENDING:
        raise MarkdownDecided(f"The week {decision.week_number} markdown is already decided.")
    recommendation = recommend_markdown(
        sell_through=decision.sell_through,
        target=decision.target_sell_through,
        elasticity=elasticity,
        cap=cap,
        lift_per_point=lift_per_point,
    )
    decision.elasticity = elasticity
    decision.recommended_pct = recommendation.markdown_pct
    decision.expected_lift = recommendation.expected_lift
    decision.reasoning = recommendation.reasoning
    decision.save(update_fields=["elasticity", "recommended_pct", "expected_lift", "reasoning"])
    return decision


def markdown_accept(*, decision: MarkdownDecision) -> MarkdownDecision:
    """Decides the pending markdown as it stands: from now on it is a fact of the season."""
    with transaction.atomic():
        updated = MarkdownDecision.objects.filter(
            pk=decision.pk, status=MarkdownStatus.PENDING
        ).update(status=MarkdownStatus.APPLIED, approved_at=timezone.now())
        if not updated:
            raise MarkdownDecided(f"The week {decision.week_number} markdown is already decided.")
    decision.refresh_from_db()
    return decision
