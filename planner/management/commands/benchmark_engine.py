"""Times the planning engine: per-category forecasts, clustering, allocation, a full
pre-season plan, the weekly update, and a generated 2,000-store, 20-category chain."""

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandParser

from allocation.engine.allocation import plan_allocation
from allocation.engine.clustering import cluster_stores
from allocation.engine.replenishment import plan_replenishment, store_ledger
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.reforecast import reforecast_curve, update_level
from forecasting.engine.types import Season
from forecasting.engine.variance import check_variance
from planner.engine.sample_inputs import (
    category_inputs,
    read_history,
    scenario_actuals,
    store_profiles,
)
from planner.engine.season import CategoryInput, SeasonSettings, plan_categories
from planner.fixtures_path import SAMPLE_DIR
from planner.sample_data import (
    CATEGORIES,
    HISTORY_FILE,
    SEASON_START,
    SEASON_WEEKS,
    generate_chain,
    write_sample_data,
)

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


class Command(BaseCommand):
    help = "Print engine timings (no database, no LLM) on this machine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=SAMPLE_DIR)
        parser.add_argument("--chain-stores", type=int, default=2000)
        parser.add_argument("--chain-categories", type=int, default=20)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
        parser.add_argument(
            "--only-plan",
            action="store_true",
            help="Only time the 3-category pre-season plan and print its seconds.",
        )

    def line(self, label: str, seconds: float, note: str = "") -> None:
        self.stdout.write(f"{label:<66}{seconds:9.4f} s  {note}".rstrip())

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        workers: int = options["workers"]
        if not (directory / HISTORY_FILE).exists():
            write_sample_data(directory)
        started = time.perf_counter()
        season = Season(SEASON_START, SEASON_WEEKS)
        settings = SeasonSettings(season=season, strategy="weekly", dc_holdback_pct=0.45)
        history = read_history(directory)
        inputs = {c.name: category_inputs(directory, c.name, history) for c in CATEGORIES}
        category_inputs_ = [
            CategoryInput(c.name, inputs[c.name][0], tuple(inputs[c.name][1])) for c in CATEGORIES
        ]
        if options["only_plan"]:
            plan_categories(category_inputs_, settings, workers=workers)
            self.stdout.write(f"{time.perf_counter() - started:.4f}")
            return
        self.stdout.write(f"cores: {os.cpu_count()}, workers: {workers}")

        first = CATEGORIES[0].name
        first_forecast, cold = timed(lambda: forecast_category(inputs[first][0], season))
        self.line(
            f"forecast {first}, cold process", cold, "includes importing Prophet, statsmodels"
        )
        for category in CATEGORIES:
            daily = inputs[category.name][0]
            forecast, seconds = timed(partial(forecast_category, daily, season))
            self.line(f"forecast {category.name}", seconds, f"{forecast.total_units:,.0f} units")

        stores = inputs[first][1]
        clustering, cold = timed(lambda: cluster_stores(stores))
        self.line("clustering 50 stores, cold", cold, "includes importing scikit-learn")
        clustering, seconds = timed(lambda: cluster_stores(stores))
        self.line("clustering 50 stores", seconds, f"silhouette {clustering.silhouette:.2f}")
        plan, seconds = timed(
            lambda: plan_allocation(
                weekly_forecast=first_forecast.curve,
                stores=stores,
                assignments=clustering.assignments,
                safety_stock_pct=0.20,
                dc_holdback_pct=0.45,
            )
        )
        self.line("allocation 50 stores", seconds, f"{plan.manufacturing_qty:,} units")

        _, sequential = timed(lambda: plan_categories(category_inputs_, settings, workers=1))
        self.line("pre-season plan, 3 categories, one process", sequential)
        plans, parallel = timed(
            lambda: plan_categories(category_inputs_, settings, workers=workers)
        )
        self.line(f"pre-season plan, 3 categories, {workers} processes", parallel)
        self.line(
            "pre-season plan, 3 categories, new process (cold)",
            self._cold_plan(directory, workers),
            "includes reading the sample files and importing the libraries",
        )

        self._weekly_update(directory, plans[first], settings)
        self._chain(options["chain_stores"], options["chain_categories"], settings, workers)

    def _cold_plan(self, directory: Path, workers: int) -> float:
        """The 3-category plan in a new process: what the first plan after a start costs."""
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "benchmark_engine",
                "--only-plan",
                "--directory",
                str(directory),
                "--workers",
                str(workers),
            ],
            cwd=django_settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return float(result.stdout.strip().splitlines()[-1])

    def _weekly_update(self, directory: Path, plan: Any, settings: SeasonSettings) -> None:
        actuals = scenario_actuals(directory, CATEGORIES[0].slug, "low_demand")
        week = 4
        totals = [sum(units[w] for units in actuals.values()) for w in range(week)]
        shares = {line.store_id: line.season_share for line in plan.allocation.stores}
        received = {line.store_id: {1: line.initial_units} for line in plan.allocation.stores}

        def update() -> None:
            check = check_variance(
                plan=plan.forecast.curve,
                actuals=totals,
                plan_first_week=1,
                horizon_weeks=settings.season.weeks,
                reforecasts_done=0,
            )
            level = update_level(
                plan=plan.forecast.curve,
                actuals=totals,
                prior_sd=plan.forecast.level_sd,
                noise_sd=plan.forecast.noise_sd,
            )
            curve = reforecast_curve(plan_weeks=plan.forecast.weeks, actuals=totals, update=level)
            on_hand = {s: store_ledger(received[s], actuals[s][:week])[-1].closing for s in shares}
            plan_replenishment(
                week_number=week + 1,
                period=1,
                expected_demand={s: shares[s] * curve[week].units for s in shares},
                on_hand=on_hand,
                dc_available=plan.allocation.dc_holdback_units,
                safety_stock_pct=0.20,
            )
            assert check.week_number == week

        runs = [timed(update)[1] for _ in range(20)]
        self.line(
            "weekly update: ledger + variance + re-forecast + replenishment",
            statistics.median(runs),
            "median of 20, 50 stores",
        )

    def _chain(self, store_count: int, category_count: int, settings: Any, workers: int) -> None:
        chain, seconds = timed(
            lambda: generate_chain(stores=store_count, categories=category_count)
        )
        self.line(f"generate chain: {store_count:,} stores x {category_count} categories", seconds)
        categories = [
            CategoryInput(name, daily, tuple(store_profiles(chain.stores, chain.store_units[name])))
            for name, daily in chain.daily_units.items()
        ]
        clustering, seconds = timed(lambda: cluster_stores(categories[0].stores))
        self.line(f"clustering {store_count:,} stores", seconds, f"k={clustering.k}")
        plans, seconds = timed(lambda: plan_categories(categories, settings, workers=workers))
        total_units = sum(p.allocation.manufacturing_qty for p in plans.values())
        self.line(
            f"pre-season plan, {category_count} categories x {store_count:,} stores, "
            f"{workers} processes",
            seconds,
            f"{total_units:,} units ordered, {seconds / category_count:.2f} s a category",
        )
