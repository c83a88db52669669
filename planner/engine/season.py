"""A whole season through the engine, step by step as the workflow runs it (SPEC.md section 4).

Pre-season: forecast, clusters, allocation. Then for each week: actuals into the ledger,
variance against the current plan and, when the rule fires, a Bayesian re-forecast; at the
checkpoint week, the markdown (approved as recommended) and the plan with its lift; then the
replenishment for the next cadence period. Used by `evaluate_engine` to replay the generated
scenarios and by the benchmarks. No Django imports.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from allocation.engine.allocation import SAFETY_STOCK_BY_STRATEGY, plan_allocation
from allocation.engine.clustering import DEFAULT_K, cluster_stores
from allocation.engine.replenishment import (
    cadence_weeks,
    period_weeks,
    plan_replenishment,
    store_ledger,
)
from allocation.engine.types import AllocationPlan, Clustering, StoreProfile
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.metrics import wape
from forecasting.engine.reforecast import LevelUpdate, apply_lift, reforecast_curve, update_level
from forecasting.engine.types import CategoryForecast, ForecastWeek, Season
from forecasting.engine.variance import VarianceCheck, check_variance
from markdowns.engine.markdown import MarkdownRecommendation, recommend_markdown, sell_through
from planner.engine.report import SeasonReport, season_report


@dataclass(frozen=True)
class SeasonSettings:
    """Season parameters (SPEC.md section 3) and planning defaults (section 7)."""

    season: Season
    strategy: str = "weekly"
    dc_holdback_pct: float = 0.45
    markdown_checkpoint_week: int | None = None
    markdown_threshold: float | None = None
    safety_stock_pct: float | None = None  # None: by strategy
    variance_threshold: float = 0.20
    max_reforecasts: int = 2
    elasticity: float = 2.0
    markdown_cap: float = 0.40
    lift_per_point: float = 1.5
    allow_transfers: bool = False
    k: int | None = DEFAULT_K
    # The scenario files hold full-price demand. "expected": after an approved markdown the
    # replay scales later weeks' sales by its expected lift (the lift assumption holds, so the
    # re-forecasts are judged on the level alone); "none": sales stay as in the files.
    markdown_response: str = "expected"

    @property
    def safety_stock(self) -> float:
        if self.safety_stock_pct is not None:
            return self.safety_stock_pct
        return SAFETY_STOCK_BY_STRATEGY[self.strategy]


@dataclass(frozen=True)
class PreseasonPlan:
    forecast: CategoryForecast
    clustering: Clustering
    allocation: AllocationPlan
    timings: dict[str, float]


def plan_preseason(
    *,
    daily_units: Mapping[dt.date, float],
    stores: Sequence[StoreProfile],
    settings: SeasonSettings,
    category_name: str = "this category",
    clustering: Clustering | None = None,
) -> PreseasonPlan:
    """Forecast, clusters (unless given: they depend on stores only) and the allocation."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    forecast = forecast_category(daily_units, settings.season, category_name=category_name)
    timings["forecast"] = time.perf_counter() - started
    started = time.perf_counter()
    if clustering is None:
        clustering = cluster_stores(stores, k=settings.k)
    timings["clustering"] = time.perf_counter() - started
    started = time.perf_counter()
    allocation = plan_allocation(
        weekly_forecast=forecast.curve,
        stores=stores,
        assignments=clustering.assignments,
        safety_stock_pct=settings.safety_stock,
        dc_holdback_pct=settings.dc_holdback_pct,
    )
    timings["allocation"] = time.perf_counter() - started
    return PreseasonPlan(forecast, clustering, allocation, timings)


@dataclass(frozen=True)
class CategoryInput:
    name: str
    daily_units: Mapping[dt.date, float]
    stores: tuple[StoreProfile, ...]


def _plan_one(job: tuple[CategoryInput, SeasonSettings, Clustering]) -> PreseasonPlan:
    category, settings, clustering = job
    return plan_preseason(
        daily_units=category.daily_units,
        stores=category.stores,
        settings=settings,
        category_name=category.name,
        clustering=clustering,
    )


def _one_blas_thread() -> None:
    threadpool_limits(1)


def plan_categories(
    categories: Sequence[CategoryInput], settings: SeasonSettings, *, workers: int = 1
) -> dict[str, PreseasonPlan]:
    """Pre-season plans for several categories of one chain.

    The stores are clustered once (clusters depend on store attributes, not on the category).
    With `workers` > 1 the categories are planned in forked processes, which inherit the
    already-imported forecasting libraries. BLAS runs one thread per process: the fits are
    small, and two processes each running a two-thread BLAS on two cores ran no faster than
    one process.
    """
    if not categories:
        return {}
    clustering = cluster_stores(categories[0].stores, k=settings.k)
    jobs = [(category, settings, clustering) for category in categories]
    if workers <= 1 or len(jobs) == 1:
        with threadpool_limits(1):
            plans = [_plan_one(job) for job in jobs]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_one_blas_thread
        ) as pool:
            plans = list(pool.map(_plan_one, jobs))
    return {category.name: plan for category, plan in zip(categories, plans, strict=True)}


@dataclass
class WeekLog:
    week_number: int
    actual_units: int
    plan_units: float
    variance: VarianceCheck
    level: LevelUpdate | None = None
    rest_of_season_wape: float | None = None  # of a new plan, known only in a replay
    markdown: MarkdownRecommendation | None = None
    replenishment_units: int = 0
    partial_shipments: int = 0
    transfer_units: int = 0
    dc_after: int = 0
    seconds: float = 0.0


@dataclass
class SeasonReplay:
    plan: PreseasonPlan
    weeks: list[WeekLog]
    final_curve: tuple[float, ...]
    report: SeasonReport
    step_seconds: dict[str, float] = field(default_factory=dict)


def replay_season(
    *,
    plan: PreseasonPlan,
    settings: SeasonSettings,
    store_actuals: Mapping[str, Sequence[int]],
) -> SeasonReplay:
    """Runs the in-season loop over `store_actuals` (store id -> units sold, weeks 1..H)."""
    horizon = settings.season.weeks
    shares = {line.store_id: line.season_share for line in plan.allocation.stores}
    received: dict[str, dict[int, int]] = {
        line.store_id: {1: line.initial_units} for line in plan.allocation.stores
    }
    dc_available = plan.allocation.dc_holdback_units
    # The pre-season curve with any approved markdown lift: what the level update scales.
    expected: tuple[ForecastWeek, ...] = plan.forecast.weeks
    current: tuple[ForecastWeek, ...] = plan.forecast.weeks
    plan_first_week = 1
    reforecasts: list[int] = []
    markdowns: list[tuple[int, float]] = []
    replenish_at = set(cadence_weeks(settings.strategy, horizon))
    sales = {s: list(store_actuals[s][:horizon]) for s in shares}
    totals = [sum(sales[s][w] for s in shares) for w in range(horizon)]
    logs: list[WeekLog] = []
    seconds: dict[str, float] = defaultdict(float)

    for week in range(1, horizon + 1):
        started = time.perf_counter()
        observed = totals[:week]
        check = check_variance(
            plan=[w.units for w in current],
            actuals=observed,
            plan_first_week=plan_first_week,
            horizon_weeks=horizon,
            reforecasts_done=len(reforecasts),
            threshold=settings.variance_threshold,
            max_reforecasts=settings.max_reforecasts,
        )
        log = WeekLog(week, observed[-1], current[week - 1].units, check)
        seconds["variance"] += time.perf_counter() - started

        if check.reforecast:
            started = time.perf_counter()
            level = update_level(
                plan=[w.units for w in expected],
                actuals=observed,
                prior_sd=plan.forecast.level_sd,
                noise_sd=plan.forecast.noise_sd,
            )
            current = reforecast_curve(plan_weeks=expected, actuals=observed, update=level)
            plan_first_week = week + 1
            reforecasts.append(week)
            log.level = level
            log.rest_of_season_wape = wape(totals[week:], [w.units for w in current[week:]])
            seconds["reforecast"] += time.perf_counter() - started

        ledgers = {s: store_ledger(received[s], sales[s][:week]) for s in shares}
        if week == settings.markdown_checkpoint_week and settings.markdown_threshold is not None:
            started = time.perf_counter()
            sold = sum(sum(sales[s][:week]) for s in shares)
            got = sum(sum(received[s].values()) for s in shares)
            recommendation = recommend_markdown(
                sell_through=sell_through(sold, got),
                target=settings.markdown_threshold,
                elasticity=settings.elasticity,
                cap=settings.markdown_cap,
                lift_per_point=settings.lift_per_point,
            )
            log.markdown = recommendation
            if recommendation.markdown_pct > 0 and week < horizon:
                lift = recommendation.expected_lift
                expected = apply_lift(expected, from_week=week + 1, lift=lift)
                current = apply_lift(current, from_week=week + 1, lift=lift)
                plan_first_week = week + 1
                markdowns.append((week, recommendation.markdown_pct))
                if settings.markdown_response == "expected":
                    for store in shares:
                        for later in range(week, horizon):
                            sales[store][later] = round(sales[store][later] * (1 + lift))
                    totals = [sum(sales[s][w] for s in shares) for w in range(horizon)]
            seconds["markdown"] += time.perf_counter() - started

        next_week = week + 1
        if next_week in replenish_at and dc_available > 0:
            started = time.perf_counter()
            period = period_weeks(settings.strategy, next_week, horizon)
            window = current[next_week - 1 : next_week - 1 + period]
            demand = {s: shares[s] * sum(w.units for w in window) for s in shares}
            replenishment = plan_replenishment(
                week_number=next_week,
                period=period,
                expected_demand=demand,
                on_hand={s: ledgers[s][-1].closing for s in shares},
                dc_available=dc_available,
                safety_stock_pct=settings.safety_stock,
                allow_transfers=settings.allow_transfers,
            )
            for line in replenishment.lines:
                if line.units:
                    received[line.store_id][next_week] = line.units
            for line in replenishment.transfers:
                received[line.store_id][next_week] = (
                    received[line.store_id].get(next_week, 0) + line.units
                )
                # The donor's units leave before next week's sales.
                source = received[line.from_store or ""]
                source[next_week] = source.get(next_week, 0) - line.units
            dc_available = replenishment.dc_available_after
            log.replenishment_units = replenishment.shipped_units
            log.partial_shipments = sum(1 for line in replenishment.lines if line.is_partial)
            log.transfer_units = sum(line.units for line in replenishment.transfers)
            seconds["replenishment"] += time.perf_counter() - started
        log.dc_after = dc_available
        logs.append(log)

    ledgers = {s: store_ledger(received[s], sales[s]) for s in shares}
    report = season_report(
        actual=totals,
        original_plan=plan.forecast.curve,
        in_season_plan=[log.plan_units for log in logs],
        # Transfers move units between stores; only the DC and the initial drop add units.
        units_received_by_stores=plan.allocation.store_initial_units
        + sum(line.replenishment_units for line in logs),
        manufactured=plan.allocation.manufacturing_qty,
        stockout_store_weeks=sum(1 for s in shares for entry in ledgers[s] if entry.stockout),
        store_weeks=len(shares) * horizon,
        leftover_store_units=sum(ledgers[s][-1].closing for s in shares),
        leftover_dc_units=dc_available,
        dc_holdback_units=plan.allocation.dc_holdback_units,
        safety_stock_pct=settings.safety_stock,
        reforecast_weeks=reforecasts,
        markdowns=markdowns,
    )
    return SeasonReplay(
        plan=plan,
        weeks=logs,
        final_curve=tuple(w.units for w in current),
        report=report,
        step_seconds=dict(seconds),
    )
