"""The weekly loop's policy from the configured planning settings (the `PLANNING_*` variables
are the one source of the defaults) and a season's parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from forecasting.engine.risk import SeasonShock, learned_shock
from markdowns.engine.markdown import learned_lift_per_point
from planner.engine.season import SeasonPolicy
from season_agents.extraction.types import start_problem
from shared.economics import Economics


def season_start_problem(start: dt.date) -> str:
    """Why a season cannot start on `start` ("" when it can): within SEASON_WINDOW_YEARS of
    today (`season_agents.extraction.types.start_problem`, which the extraction uses too)."""
    return start_problem(
        start, today=timezone.localdate(), window_years=settings.SEASON_WINDOW_YEARS
    )


def safety_stock_for(strategy: str) -> float:
    """The configured safety stock of a replenishment strategy."""
    return float(settings.PLANNING["SAFETY_STOCK_PCT"][strategy])


def prior_season_shock() -> SeasonShock:
    """The season shock of a retailer with no closed seasons (PLANNING_SEASON_SHOCK_SD): what
    the sample scenarios and the benchmarks plan with, as the product does on a new database."""
    planning = settings.PLANNING
    return learned_shock(
        [],
        category="",
        prior_sd=planning["SEASON_SHOCK_SD"],
        prior_seasons=planning["SEASON_SHOCK_PRIOR_SEASONS"],
    )


def season_policy(
    *,
    horizon_weeks: int,
    strategy: str,
    safety_stock_pct: float,
    markdown_checkpoint_week: int | None,
    markdown_threshold: float | None,
    economics: Economics | None = None,
    markdown_responses: Sequence[float] = (),
) -> SeasonPolicy:
    """The season's policy; with `economics`, markdown options are priced at the checkpoint;
    the lift per point of markdown is the configured one, learned from the category's closed
    seasons' `markdown_responses` (realised against assumed lift)."""
    planning = settings.PLANNING
    return SeasonPolicy(
        horizon_weeks=horizon_weeks,
        strategy=strategy,
        safety_stock_pct=safety_stock_pct,
        markdown_checkpoint_week=markdown_checkpoint_week,
        markdown_threshold=markdown_threshold,
        variance_threshold=planning["VARIANCE_THRESHOLD"],
        elasticity=planning["DEFAULT_ELASTICITY"],
        markdown_cap=planning["MARKDOWN_CAP"],
        lift_per_point=learned_lift_per_point(
            planning["MARKDOWN_LIFT_PER_POINT"], list(markdown_responses)
        ),
        store_service_level=planning["STORE_SERVICE_LEVEL"],
        auto_approve_replenishment=settings.AUTO_APPROVE_REPLENISHMENT,
        economics=economics,
    )
