"""The pre-season plan through the engine: forecast, clusters, allocation (the first two
steps), for one category or many in parallel. Used by `evaluate_engine` and the benchmarks. No
Django imports.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from threadpoolctl import threadpool_limits

from allocation.engine.allocation import plan_allocation
from allocation.engine.clustering import cluster_stores
from allocation.engine.types import AllocationPlan, Clustering, StoreProfile
from forecasting.engine import members
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.risk import SeasonShock
from forecasting.engine.types import CategoryForecast, Season


@dataclass(frozen=True)
class PreseasonSettings:
    """What the pre-season plan needs of the season parameters and of the
    planning settings: callers pass the configured values, there are no defaults
    here."""

    season: Season
    strategy: str
    dc_holdback_pct: float
    safety_stock_pct: float
    k: int | None  # clusters (PLANNING_CLUSTERS); None picks K by silhouette
    season_shock: SeasonShock  # learned from closed seasons, or the prior (forecasting.engine.risk)


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
    settings: PreseasonSettings,
    category_name: str = "this category",
    clustering: Clustering | None = None,
) -> PreseasonPlan:
    """Forecast, clusters (unless given: they depend on stores only) and the allocation."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    forecast = forecast_category(
        daily_units,
        settings.season,
        category_name=category_name,
        season_shock=settings.season_shock,
    )
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
        safety_stock_pct=settings.safety_stock_pct,
        dc_holdback_pct=settings.dc_holdback_pct,
    )
    timings["allocation"] = time.perf_counter() - started
    return PreseasonPlan(forecast, clustering, allocation, timings)


@dataclass(frozen=True)
class CategoryInput:
    name: str
    daily_units: Mapping[dt.date, float]
    stores: tuple[StoreProfile, ...]


def _plan_one(job: tuple[CategoryInput, PreseasonSettings, Clustering]) -> PreseasonPlan:
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
    categories: Sequence[CategoryInput], settings: PreseasonSettings, *, workers: int = 1
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


def warm_up() -> None:
    """Runs the libraries a plan needs once on a toy input: statsforecast's models (numba
    compiles them) and the K-means clustering, so a process's first plan is not slower than
    its next (`planner.warm` does it at start)."""
    members.warm_up()
    stores = [
        StoreProfile(f"W{i}", size_sqft=1000.0 + 100 * i, median_income=40000.0 + 1000 * i)
        for i in range(6)
    ]
    cluster_stores(stores, k=2)
