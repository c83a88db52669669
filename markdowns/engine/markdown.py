"""The markdown recommendation at the season's checkpoint.

No Django imports.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markdowns.engine.pricing import MarkdownOption, PricingInputs, best_option, price_options
from shared.numbers import round_half_up

ELASTICITY_RANGE = (1.0, 3.0)
STEP = 0.05
# The deepest markdown a person can type (the priced grid stops at 50 %).
MAX_MARKDOWN_PCT = 0.9
# The configured lift per point counts as this many closed seasons (`learned_lift_per_point`).
LIFT_PRIOR_SEASONS = 3.0


@dataclass(frozen=True)
class MarkdownFact:
    """A decided markdown (0 when none was needed)."""

    week_number: int
    markdown_pct: float
    expected_lift: float
    elasticity: float
    declined: bool = False  # a person declined the markdown (not "applied 0 %")


@dataclass(frozen=True)
class MarkdownRecommendation:
    sell_through: float
    target: float
    gap: float
    elasticity: float
    raw_markdown: float  # gap x elasticity, before rounding and cap
    markdown_pct: float
    expected_lift: float
    reasoning: str
    options: tuple[MarkdownOption, ...] = ()  # priced (`with_options`); empty: the seed's rule
    seed_pct: float | None = None  # the seed rule's markdown, once options replace it
    pricing: PricingInputs | None = None


def sell_through(sold: int, received: int) -> float:
    """Units sold / units received by stores so far."""
    return sold / received if received > 0 else 0.0


def recommend_markdown(
    *,
    sell_through: float,
    target: float,
    elasticity: float,
    cap: float,
    lift_per_point: float,
) -> MarkdownRecommendation:
    """gap = target - sell-through; none when gap <= 0; otherwise
    markdown = min(cap, gap x elasticity rounded half up to a multiple of 0.05);
    expected demand lift = lift_per_point x markdown. The configured planning settings give
    elasticity, cap and lift (PLANNING_DEFAULT_ELASTICITY, _MARKDOWN_CAP, _LIFT_PER_POINT)."""
    low, high = ELASTICITY_RANGE
    if not low <= elasticity <= high:
        raise ValueError(f"elasticity must be {low}-{high}, got {elasticity}")
    gap = round(target - sell_through, 10)
    if gap <= 0:
        return MarkdownRecommendation(
            sell_through=sell_through,
            target=target,
            gap=gap,
            elasticity=elasticity,
            raw_markdown=0.0,
            markdown_pct=0.0,
            expected_lift=0.0,
            reasoning=(
                f"No markdown: sell-through {sell_through:.1%} meets the {target:.0%} target."
            ),
        )
    raw = gap * elasticity
    markdown = min(cap, round_half_up(raw, STEP))
    capped = " (capped)" if round_half_up(raw, STEP) > cap else ""
    lift = round(lift_per_point * markdown, 10)
    return MarkdownRecommendation(
        sell_through=sell_through,
        target=target,
        gap=gap,
        elasticity=elasticity,
        raw_markdown=raw,
        markdown_pct=markdown,
        expected_lift=lift,
        reasoning=(
            f"Sell-through {sell_through:.1%} is {100 * gap:.1f} points below the {target:.0%} "
            f"target; {100 * gap:.1f} points x elasticity {elasticity:g} = {raw:.1%}, rounded to "
            f"{markdown:.0%}{capped}. Expected demand lift {lift_per_point:g} x {markdown:.0%} "
            f"= {lift:.1%}."
        ),
    )


def with_options(
    recommendation: MarkdownRecommendation, pricing: PricingInputs
) -> MarkdownRecommendation:
    """The recommendation as the priced option with the highest expected margin; the seed
    rule's figures stay in the reasoning and `seed_pct`."""
    seed = recommendation.seed_pct
    options = price_options(pricing, seed_pct=recommendation.markdown_pct if seed is None else seed)
    best = best_option(options)
    return replace(
        recommendation,
        markdown_pct=best.markdown_pct,
        expected_lift=best.expected_lift,
        options=options,
        seed_pct=recommendation.markdown_pct if seed is None else seed,
        pricing=pricing,
        reasoning=(
            f"{recommendation.reasoning} Priced over the remaining weeks, {best.label} earns "
            f"the most: expected margin {best.margin:,.0f} on {best.units:,.0f} units sold, "
            f"{best.leftover:,.0f} left over."
        ),
    )


def learned_lift_per_point(prior: float, responses: list[float]) -> float:
    """The category's demand lift per point of markdown after its closed seasons: each
    season's realised lift against the one it assumed (`responses`, 1 = as assumed), their
    mean shrunk to 1 with the configured value worth `LIFT_PRIOR_SEASONS` seasons."""
    response = (LIFT_PRIOR_SEASONS + sum(responses)) / (LIFT_PRIOR_SEASONS + len(responses))
    return prior * max(response, 0.0)
