"""Season replay on a real sales history (`manage.py replay_seasons`): rolling seasons inside
the history, each planned from the data before it and played through `run_week` with the real
weekly sales of each store as demand (sold up to stock, the rest lost), under the plan as
proposed, the push baseline and the recommended policy of the what-if. No Django imports.

Seasons are replayed in date order, and a season counts as closed for the ones that start
after its last week: its miss (the demand level at the close against its plan) teaches the
season shock of the later forecasts, as closed seasons do in the product.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from allocation.engine.clustering import cluster_stores
from allocation.engine.shares import recent_units
from allocation.engine.types import StoreProfile
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.risk import ClosedSeason, learned_shock
from forecasting.engine.types import CategoryForecast, Season
from planner.engine import preseason
from planner.engine.season import SeasonPolicy, SeasonSetup, WeekOutcome, replay_demand
from planner.engine.whatif import (
    PolicyChoice,
    demand_paths,
    path_result,
    proposed_choice,
    push_choice,
    recommend,
    season_policy_for,
    season_setup_for,
    share_cv,
)
from shared.economics import Economics

POLICIES = ("plan as proposed", "push baseline", "recommended")


@dataclass(frozen=True)
class ReplaySettings:
    """The season parameters every replayed season takes (the product's defaults) and the
    planning settings behind them."""

    weeks: int
    strategy: str
    holdback_pct: float
    safety_stock_pct: float
    policy: SeasonPolicy
    economics: Economics
    shock_prior_sd: float
    shock_prior_seasons: float
    clusters: int | None
    search_paths: int = 20
    seed: int = 1


@dataclass(frozen=True)
class PolicyOutcome:
    """One policy over one real season."""

    order_units: int
    holdback_units: int
    demand: int
    sold: int
    lost: int
    leftover_stores: int
    leftover_dc: int
    stockout_store_weeks: int
    stockouts_while_dc_held_stock: int  # not counting weeks the DC rationed
    stockouts_rationed: int  # in weeks whose shipments the DC rationed
    revenue: float
    gross_margin: float

    @property
    def dc_never_shipped_pct(self) -> float:
        return self.leftover_dc / self.holdback_units if self.holdback_units else 0.0

    @property
    def short_with_dc_left(self) -> bool:
        """Lost more than 1 % of demand while over 10 % of the holdback never left the DC."""
        return self.lost > 0.01 * self.demand and self.dc_never_shipped_pct > 0.10


@dataclass(frozen=True)
class ReplayedSeason:
    category: str
    start: dt.date
    forecast_units: float
    demand_units: int
    interval_80: tuple[float, float]  # the season total's, in units
    shock_sd: float
    outcomes: Mapping[str, PolicyOutcome]

    @property
    def inside_80(self) -> bool:
        return self.interval_80[0] <= self.demand_units <= self.interval_80[1]

    @property
    def above_80(self) -> bool:
        return self.demand_units > self.interval_80[1]


class ReplayError(ValueError):
    """The history cannot be replayed; the message names the shortfall."""


def season_starts(
    first_day: dt.date, last_day: dt.date, *, weeks: int, every_weeks: int, years: float
) -> list[dt.date]:
    """Season starts `every_weeks` apart, the last one whose season ends on `last_day` at the
    latest (always replayed), back over the last `years` of the history; each with at least a
    year of history before it. Raises ReplayError when no season fits."""
    newest = last_day + dt.timedelta(days=1) - dt.timedelta(weeks=weeks)
    first_possible = first_day + dt.timedelta(weeks=52)
    if newest < first_possible:
        span = (last_day - first_day).days // 7 + 1
        raise ReplayError(
            f"the history holds {span} weeks ({first_day} .. {last_day}); a replayed season "
            f"needs 52 weeks of history before it and {weeks} weeks of its own: "
            f"{52 + weeks - span} more weeks are needed"
        )
    earliest = max(first_possible, last_day - dt.timedelta(days=round(365.25 * years)))
    starts = [newest]
    while starts[-1] - dt.timedelta(weeks=every_weeks) >= earliest:
        starts.append(starts[-1] - dt.timedelta(weeks=every_weeks))
    return sorted(starts)


def _weekly_store_units(frame: pd.DataFrame, start: dt.date, weeks: int) -> dict[str, list[int]]:
    """Each store's units in the `weeks` 7-day weeks from `start` (real sales as demand)."""
    end = start + dt.timedelta(weeks=weeks)
    window = frame[(frame["date"] >= start) & (frame["date"] < end)]
    index = window["date"].map(lambda day: (day - start).days // 7)
    table = (
        window.assign(week=index)
        .groupby(["store_id", "week"])["quantity_sold"]
        .sum()
        .unstack(fill_value=0)
        .reindex(columns=range(weeks), fill_value=0)
    )
    return {str(store): [round(float(u)) for u in row] for store, row in table.iterrows()}


def _store_profiles(
    frame: pd.DataFrame, all_sales: Mapping[str, float], start: dt.date, weeks: int
) -> tuple[list[StoreProfile], float | None]:
    """Stores with this category's units under the share rule, and their weekly sales of all
    categories over the year before as the one attribute clustering has."""
    before = frame[frame["date"] < start]
    units, choice = recent_units(
        before[["date", "store_id", "quantity_sold"]].itertuples(index=False, name=None),
        season_start=start,
        season_weeks=weeks,
    )
    profiles = [
        StoreProfile(
            store_id=store,
            avg_weekly_sales_12mo=all_sales.get(store, 0.0),
            category_units=units.get(store, 0.0),
        )
        for store in sorted(set(frame["store_id"]))
    ]
    return profiles, choice.error


def _last_year_units(frame: pd.DataFrame, start: dt.date) -> dict[str, float]:
    window = frame[(frame["date"] >= start - dt.timedelta(weeks=52)) & (frame["date"] < start)]
    return {str(s): float(u) for s, u in window.groupby("store_id")["quantity_sold"].sum().items()}


def _outcome(
    outcomes: Sequence[WeekOutcome], setup: SeasonSetup, choice: PolicyChoice, economics: Economics
) -> PolicyOutcome:
    result = path_result(outcomes, setup, choice.order_units, economics)
    return PolicyOutcome(
        order_units=choice.order_units,
        holdback_units=setup.dc_units,
        demand=result.units_sold + result.lost_units,
        sold=result.units_sold,
        lost=result.lost_units,
        leftover_stores=result.leftover_stores,
        leftover_dc=result.leftover_dc,
        stockout_store_weeks=result.stockout_store_weeks,
        stockouts_while_dc_held_stock=sum(o.stockouts_beside_dc_stock for o in outcomes),
        stockouts_rationed=sum(o.stockouts for o in outcomes if o.rationed),
        revenue=result.revenue,
        gross_margin=result.gross_margin,
    )


def _play(
    forecast: CategoryForecast,
    stores: Sequence[StoreProfile],
    assignments: Mapping[str, str],
    choice: PolicyChoice,
    settings: ReplaySettings,
    demand: Mapping[str, Sequence[int]],
) -> tuple[PolicyOutcome, tuple[WeekOutcome, ...]]:
    """`choice` over the season's real demand, through `run_week`."""
    setup = season_setup_for(forecast, stores, assignments, choice)
    policy = season_policy_for(settings.policy, choice)
    season_demand = {store: list(demand.get(store, [0] * settings.weeks)) for store in setup.shares}
    outcomes = tuple(replay_demand(setup, policy, season_demand))
    return _outcome(outcomes, setup, choice, settings.economics), outcomes


@dataclass(frozen=True)
class _Job:
    category: str
    frame: pd.DataFrame
    all_sales: Mapping[str, float]
    start: dt.date
    closed: tuple[ClosedSeason, ...]
    settings: ReplaySettings


def replay_season(job: _Job) -> tuple[ReplayedSeason, ClosedSeason]:
    """One category's season from `job.start`: forecast and plan from the data before it,
    then each policy over its real weeks. Returns the season and its miss as a closed season
    (under the plan as proposed) for the seasons after it."""
    settings = job.settings
    frame = job.frame
    season = Season(job.start, settings.weeks)
    before = frame[frame["date"] < job.start]
    daily = before.groupby("date")["quantity_sold"].sum()
    shock = learned_shock(
        job.closed,
        category=job.category,
        prior_sd=settings.shock_prior_sd,
        prior_seasons=settings.shock_prior_seasons,
    )
    forecast = forecast_category(
        {day: float(units) for day, units in daily.items()},
        season,
        category_name=job.category,
        season_shock=shock,
    )
    stores, split_error = _store_profiles(frame, job.all_sales, job.start, settings.weeks)
    clustering = cluster_stores(stores, k=settings.clusters)
    assignments = clustering.assignments
    demand = _weekly_store_units(frame, job.start, settings.weeks)
    proposed = proposed_choice(
        forecast,
        holdback_pct=settings.holdback_pct,
        strategy=settings.strategy,
        safety_stock_pct=settings.safety_stock_pct,
        markdown_threshold=settings.policy.markdown_threshold,
    )
    push = push_choice(
        forecast,
        safety_stock_pct=settings.safety_stock_pct,
        last_year_units=_last_year_units(frame, job.start),
    )
    planned_shares = {s.store_id: s.category_units for s in stores if s.category_units > 0}
    total_units = math.fsum(planned_shares.values())
    shares = {s: u / total_units for s, u in planned_shares.items()}
    search = demand_paths(
        forecast,
        shares,
        paths=settings.search_paths,
        seed=settings.seed,
        share_cv=share_cv(split_error),
    )
    recommended, _ = recommend(
        forecast=forecast,
        stores=stores,
        assignments=assignments,
        base_policy=settings.policy,
        economics=settings.economics,
        demands=search,
        template=proposed,
    )
    played, weeks = _play(forecast, stores, assignments, proposed, settings, demand)
    outcomes = {POLICIES[0]: played}
    for label, choice in zip(POLICIES[1:], (push, recommended), strict=True):
        outcomes[label], _ = _play(forecast, stores, assignments, choice, settings, demand)
    level = weeks[-1].state.level
    # The season's miss as the product records it at the close: the level the weekly update
    # ended at (sold-out stores counted as at least their plan) under the plan as proposed.
    factor = level.adjustment_factor if level else 1.0
    miss = ClosedSeason(job.category, math.log(max(factor, 1e-6)), forecast.risk.history_variance)
    low, high = forecast.risk.interval(0.8)
    total = forecast.total_units
    season_result = ReplayedSeason(
        category=job.category,
        start=job.start,
        forecast_units=total,
        demand_units=outcomes[POLICIES[0]].demand,
        interval_80=(total * low, total * high),
        shock_sd=shock.sd,
        outcomes=outcomes,
    )
    return season_result, miss


def _one_blas_thread() -> None:
    threadpool_limits(1)


def replay_history(
    history: pd.DataFrame,
    settings: ReplaySettings,
    *,
    every_weeks: int,
    years: float,
    workers: int = 1,
    progress: Callable[[str], None] = lambda _: None,
) -> list[ReplayedSeason]:
    """Every category's seasons over the history (`date, store_id, category,
    quantity_sold`), in date order; within one start date the categories run in `workers`
    forked processes."""
    frame = history.copy()
    frame["store_id"] = frame["store_id"].astype(str)
    first, last = frame["date"].min(), frame["date"].max()
    starts = season_starts(first, last, weeks=settings.weeks, every_weeks=every_weeks, years=years)
    by_category = {str(c): rows for c, rows in frame.groupby("category")}
    # Compiled once here, the forked workers inherit the models (else each compiles them).
    preseason.warm_up()
    results: list[ReplayedSeason] = []
    closed: list[tuple[dt.date, ClosedSeason]] = []  # (last day, miss)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=max(workers, 1), mp_context=context, initializer=_one_blas_thread
    ) as pool:
        for number, start in enumerate(starts, start=1):
            year_before = frame[
                (frame["date"] < start) & (frame["date"] >= start - dt.timedelta(weeks=52))
            ]
            all_sales = {
                str(s): float(u) / 52
                for s, u in year_before.groupby("store_id")["quantity_sold"].sum().items()
            }
            known = tuple(miss for end, miss in closed if end < start)
            jobs = [
                _Job(category, rows, all_sales, start, known, settings)
                for category, rows in sorted(by_category.items())
            ]
            mapped = pool.map(replay_season, jobs) if workers > 1 else map(replay_season, jobs)
            for season_result, miss in mapped:
                results.append(season_result)
                closed.append((start + dt.timedelta(weeks=settings.weeks, days=-1), miss))
            progress(f"{number}/{len(starts)} seasons from {start}")
    return results


def totals(seasons: Sequence[ReplayedSeason], label: str) -> dict[str, float]:
    """A policy's figures summed over seasons, with the seasons' margin P10 and the store-weeks
    out of stock while the DC held stock."""
    rows = [s.outcomes[label] for s in seasons]
    margins = np.array([r.gross_margin for r in rows])
    return {
        "seasons": len(rows),
        "demand": sum(r.demand for r in rows),
        "sold": sum(r.sold for r in rows),
        "lost": sum(r.lost for r in rows),
        "leftover_stores": sum(r.leftover_stores for r in rows),
        "leftover_dc": sum(r.leftover_dc for r in rows),
        "holdback": sum(r.holdback_units for r in rows),
        "stockout_store_weeks": sum(r.stockout_store_weeks for r in rows),
        "stockouts_while_dc_held_stock": sum(r.stockouts_while_dc_held_stock for r in rows),
        "stockouts_rationed": sum(r.stockouts_rationed for r in rows),
        "short_with_dc_left": sum(r.short_with_dc_left for r in rows),
        "revenue": math.fsum(r.revenue for r in rows),
        "gross_margin": math.fsum(r.gross_margin for r in rows),
        "mean_margin": float(margins.mean()) if len(rows) else 0.0,
        "p10_margin": float(np.percentile(margins, 10)) if len(rows) else 0.0,
    }
