"""What-if for a season whose order is proposed: the plan, a push baseline, the recommended
policy and the caller's choice, played over demand paths (planner.engine.whatif); once the
season is closed, also over the weeks that happened. Read-only: it commits nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from allocation import fetch as allocation_fetch
from allocation import selectors as allocation_selectors
from forecasting.engine.types import CategoryForecast, Season
from forecasting.fetch import forecast_weeks, stored_risk
from forecasting.models import Forecast
from markdowns import selectors as markdown_selectors
from planner.capacity import in_child_process
from planner.engine.newsvendor import critical_ratio
from planner.engine.whatif import (
    Comparison,
    PolicyChoice,
    compare,
    comparison_table,
    demand_of_season,
    proposed_choice,
    share_cv,
    simulate,
)
from planner.models import Workflow
from planner.season.policy import season_policy
from planner.season.selectors import season_outcomes, season_record
from planner.season.states import SeasonConflict
from shared.choices import WorkflowStatus
from shared.selectors import category_economics


def _forecast(forecast: Forecast) -> CategoryForecast:
    adjustment = forecast.adjustment
    return CategoryForecast(
        season=Season(forecast.season_start_date, forecast.horizon_weeks),
        weeks=forecast_weeks(forecast),
        weights=forecast.weights,
        weighting_note=forecast.weighting_note,
        backtest=None,
        history_weeks=int(adjustment.get("history_weeks", 0)),
        history_end=dt.date.fromisoformat(adjustment["history_end"]),
        level_sd=float(adjustment.get("level_sd", 0.0)),
        noise_sd=float(adjustment.get("noise_sd", 0.0)),
        risk=stored_risk(forecast),
    )


def season_what_if(
    *, workflow_id: int, overrides: Mapping[str, Any], paths: int, search_paths: int, seed: int
) -> dict[str, Any]:
    """The comparison as plain data. 409 before the Inventory step has proposed the order."""
    started = time.perf_counter()
    workflow = Workflow.objects.select_related("parameters", "category").get(pk=workflow_id)
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    if allocation is None:
        raise SeasonConflict(
            "The what-if needs the proposed order: wait for the Inventory step "
            f"(the season is {workflow.status})."
        )
    p = workflow.parameters
    forecast = _forecast(allocation.forecast)
    assignments = {
        store.pk: cluster.label
        for cluster in allocation.clustering_run.clusters.prefetch_related("stores")
        for store in cluster.stores.all()
    }
    shares = allocation_fetch.share_choice(
        workflow.category_id,
        season_start=p.season_start_date,
        season_weeks=p.forecast_horizon_weeks,
    )
    stores = [
        s
        for s in allocation_fetch.store_profiles(
            workflow.category_id,
            season_start=p.season_start_date,
            season_weeks=p.forecast_horizon_weeks,
            shares=shares,
        )
        if s.store_id in assignments
    ]
    economics = category_economics(workflow.category_id)
    split_error = shares.error
    base_policy = season_policy(
        horizon_weeks=p.forecast_horizon_weeks,
        strategy=p.replenishment_strategy,
        safety_stock_pct=allocation.safety_stock_pct,
        markdown_checkpoint_week=p.markdown_checkpoint_week,
        markdown_threshold=p.markdown_threshold,
        economics=economics,
        markdown_responses=markdown_selectors.markdown_responses(category_id=workflow.category_id),
    )
    proposed = proposed_choice(
        forecast,
        holdback_pct=allocation.dc_holdback_pct,
        strategy=p.replenishment_strategy,
        safety_stock_pct=allocation.safety_stock_pct,
        markdown_threshold=p.markdown_threshold if p.markdown_checkpoint_week else None,
    )
    choice = _choice(proposed, forecast, overrides) if overrides else None
    # In a child process: seconds of CPU that would hold up every other request here.
    comparison = in_child_process(
        compare,
        seconds=settings.SIMULATION_SECONDS,
        forecast=forecast,
        stores=stores,
        assignments=assignments,
        base_policy=base_policy,
        economics=economics,
        proposed=proposed,
        last_year_units=allocation_fetch.last_year_units(
            workflow.category_id, season_start=p.season_start_date
        ),
        shares={row.store_id: row.season_share for row in allocation.store_rows.all()},
        choice=choice,
        paths=paths,
        search_paths=search_paths,
        seed=seed,
        share_spread=share_cv(split_error),
    )
    actual_weeks = None
    if workflow.status == WorkflowStatus.CLOSED:
        # Each policy replayed on the season's own weeks (demand estimated where stores sold
        # out): what it would have earned in the season that happened.
        demand = demand_of_season(season_outcomes(season_record(workflow))[-1].state)
        replays = tuple(
            simulate(
                forecast=forecast,
                stores=stores,
                assignments=assignments,
                base_policy=base_policy,
                choice=result.choice,
                economics=economics,
                demands=[demand],
            )
            for result in comparison.results
        )
        actual_weeks = comparison_table(Comparison(replays, grid={}, paths=1, seed=seed))
    return {
        "workflow_id": workflow.pk,
        "economics": {
            "price": round(economics.price, 2),
            "unit_cost": round(economics.unit_cost, 2),
            "salvage_value": round(economics.salvage_value, 2),
            "shipment_cost": round(economics.shipment_cost, 2),
            "sources": economics.sources,
            "critical_ratio": round(critical_ratio(economics), 4),
        },
        "store_share_spread": {
            "cv": round(share_cv(split_error), 4),
            "source": "the store share rule's backtest on history"
            if split_error is not None
            else "default: too little history for a share backtest",
        },
        "paths": paths,
        "search_paths": search_paths,
        "seed": seed,
        "policies": comparison_table(comparison),
        "actual_weeks": actual_weeks,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _choice(
    proposed: PolicyChoice, forecast: CategoryForecast, overrides: Mapping[str, Any]
) -> PolicyChoice:
    safety = overrides.get("safety_stock_pct", proposed.safety_stock_pct)
    order = overrides.get("order_units") or round(forecast.total_units * (1 + safety))
    return PolicyChoice(
        label="your choice",
        order_units=int(order),
        holdback_pct=overrides.get("holdback_pct", proposed.holdback_pct),
        strategy=overrides.get("replenishment_strategy", proposed.strategy),
        safety_stock_pct=safety,
        markdown_threshold=overrides.get("markdown_threshold", proposed.markdown_threshold),
    )
