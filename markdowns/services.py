"""Use cases of the markdown app that write."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.utils import timezone

from forecasting.models import Forecast
from markdowns.choices import MarkdownStatus
from markdowns.engine.markdown import MarkdownRecommendation, recommend_markdown, with_options
from markdowns.engine.pricing import PricingInputs
from markdowns.models import MarkdownDecision
from shared.conflicts import Conflict


class MarkdownDecided(Conflict):
    """The checkpoint's markdown was already decided: decisions are facts (HTTP 409)."""


DECIDED = (MarkdownStatus.APPLIED, MarkdownStatus.DECLINED, MarkdownStatus.NOT_NEEDED)


def markdown_recommend(
    *, root: Forecast, recommendation: MarkdownRecommendation, week_number: int
) -> MarkdownDecision:
    """Records the checkpoint's recommendation with its priced options: pending a decision,
    or "no markdown needed" at once when the seed's rule calls for none. A decided checkpoint
    is never reset (a re-upload keeps it)."""
    decided = MarkdownDecision.objects.filter(
        forecast=root, week_number=week_number, status__in=DECIDED
    ).first()
    if decided is not None:
        return decided
    seed = recommendation.seed_pct
    needed = (recommendation.markdown_pct if seed is None else seed) > 0
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
            "options": [asdict(option) for option in recommendation.options],
            "pricing": asdict(recommendation.pricing) if recommendation.pricing else None,
            "decided_pct": None,
            "decided_lift": None,
            "status": MarkdownStatus.PENDING if needed else MarkdownStatus.NOT_NEEDED,
            "approved_at": None if needed else timezone.now(),
        },
    )
    return decision


def _pending(decision: MarkdownDecision) -> None:
    if decision.status != MarkdownStatus.PENDING:
        raise MarkdownDecided(f"The week {decision.week_number} markdown is already decided.")


def markdown_modify(
    *, decision: MarkdownDecision, elasticity: float, cap: float, lift_per_point: float
) -> MarkdownDecision:
    """The seed's rule at another elasticity (1.0-3.0), the options priced again around it;
    nothing is decided."""
    _pending(decision)
    recommendation = recommend_markdown(
        sell_through=decision.sell_through,
        target=decision.target_sell_through,
        elasticity=elasticity,
        cap=cap,
        lift_per_point=lift_per_point,
    )
    if decision.pricing:
        recommendation = with_options(recommendation, PricingInputs(**decision.pricing))
    decision.elasticity = elasticity
    decision.recommended_pct = recommendation.markdown_pct
    decision.expected_lift = recommendation.expected_lift
    decision.reasoning = recommendation.reasoning
    decision.options = [asdict(option) for option in recommendation.options]
    decision.save(
        update_fields=["elasticity", "recommended_pct", "expected_lift", "reasoning", "options"]
    )
    return decision


def markdown_accept(
    *, decision: MarkdownDecision, markdown_pct: float | None = None, lift_per_point: float
) -> MarkdownDecision:
    """Decides the pending markdown: the recommendation, or any depth a person picked or typed
    (`markdown_pct`; its lift is `lift_per_point` x the depth, and it is priced like the
    options when they were); a fact of the season from now on."""
    _pending(decision)
    if markdown_pct is None:
        return _decide(
            decision, MarkdownStatus.APPLIED, decision.recommended_pct, decision.expected_lift
        )
    if not 0 <= markdown_pct < 1:
        raise ValueError(f"markdown_pct must be 0-0.99, got {markdown_pct}")
    if decision.pricing and not any(
        abs(o["markdown_pct"] - markdown_pct) < 1e-9 for o in decision.options
    ):
        typed = PricingInputs(**decision.pricing).option(
            f"{markdown_pct:.0%} (typed)", markdown_pct
        )
        decision.options = [*decision.options, asdict(typed)]
    return _decide(
        decision, MarkdownStatus.APPLIED, markdown_pct, round(lift_per_point * markdown_pct, 10)
    )


def markdown_decline(*, decision: MarkdownDecision) -> MarkdownDecision:
    """Declines the pending markdown: stored as declined, not as a markdown of 0 %."""
    _pending(decision)
    return _decide(decision, MarkdownStatus.DECLINED, 0.0, 0.0)


def _decide(
    decision: MarkdownDecision, status: MarkdownStatus, pct: float, lift: float
) -> MarkdownDecision:
    with transaction.atomic():
        updated = MarkdownDecision.objects.filter(
            pk=decision.pk, status=MarkdownStatus.PENDING
        ).update(
            status=status,
            decided_pct=pct,
            decided_lift=lift,
            options=decision.options,
            approved_at=timezone.now(),
        )
        if not updated:
            raise MarkdownDecided(f"The week {decision.week_number} markdown is already decided.")
    decision.refresh_from_db()
    return decision
