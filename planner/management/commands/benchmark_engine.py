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
from forecasting.engine.ensemble import forecast_category
from forecasting.engine.types import Season
from planner.data.fixtures_path import SAMPLE_DIR
from planner.data.sample_data import (
    CATEGORIES,
    HISTORY_FILE,
    SEASON_START,
    SEASON_WEEKS,
    generate_chain,
    write_sample_data,
)
from planner.engine.evaluation import season_setup
from planner.engine.preseason import (
    CategoryInput,
    PreseasonSettings,
    plan_categories,
    warm_up,
)
from planner.engine.sample_inputs import (
    category_inputs,
    read_history,
    scenario_actuals,
    store_profiles,
)
from planner.engine.season import WeekInput, auto_approved, replay_demand, run_week
from planner.engine.whatif import demand_paths, proposed_choice, simulate
from planner.season.policy import prior_season_shock, safety_stock_for, season_policy
from shared.economics import economics_with_defaults

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
            help=(
                "Only warm up as a server does at start, then time the 3-category pre-season "
                "plan twice; print the three seconds."
            ),
        )

    def line(self, label: str, seconds: float, note: str = "") -> None:
        self.stdout.write(f"{label:<66}{seconds:9.4f} s  {note}".rstrip())

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        workers: int = options["workers"]
        if not (directory / HISTORY_FILE).exists():
            write_sample_data(directory)
        season = Season(SEASON_START, SEASON_WEEKS)
        settings = PreseasonSettings(
            season=season,
            strategy="weekly",
            dc_holdback_pct=django_settings.PLANNING["DEFAULT_DC_HOLDBACK_PCT"],
            safety_stock_pct=safety_stock_for("weekly"),
            k=django_settings.PLANNING["CLUSTERS"],
            season_shock=prior_season_shock(),
        )
        history = read_history(directory)
        inputs = {
            c.name: category_inputs(directory, c.name, history, season=season) for c in CATEGORIES
        }
        category_inputs_ = [
            CategoryInput(c.name, inputs[c.name][0], tuple(inputs[c.name][1])) for c in CATEGORIES
        ]
        if options["only_plan"]:
            _, warm = timed(warm_up)
            _, first_plan = timed(lambda: plan_categories(category_inputs_, settings, workers=1))
            _, second_plan = timed(lambda: plan_categories(category_inputs_, settings, workers=1))
            self.stdout.write(f"{warm:.4f} {first_plan:.4f} {second_plan:.4f}")
            return
        self.stdout.write(f"cores: {os.cpu_count()}, workers: {workers}")

        first = CATEGORIES[0].name
        _, warm = timed(warm_up)
        self.line("warm-up (a server does it at start)", warm, "imports, numba, scikit-learn")
        first_forecast, seconds = timed(lambda: forecast_category(inputs[first][0], season))
        self.line(f"forecast {first}, first after the warm-up", seconds, "backtest included")
        for category in CATEGORIES:
            daily = inputs[category.name][0]
            forecast, seconds = timed(partial(forecast_category, daily, season))
            self.line(
                f"forecast {category.name}, warm",
                seconds,
                f"{forecast.total_units:,.0f} units; backtest {forecast.timings['backtest']:.3f} s",
            )

        stores = inputs[first][1]
        clustering, seconds = timed(lambda: cluster_stores(stores, k=settings.k))
        self.line("clustering 50 stores", seconds, f"silhouette {clustering.silhouette:.2f}")
        plan, seconds = timed(
            lambda: plan_allocation(
                weekly_forecast=first_forecast.curve,
                stores=stores,
                assignments=clustering.assignments,
                safety_stock_pct=settings.safety_stock_pct,
                dc_holdback_pct=settings.dc_holdback_pct,
            )
        )
        self.line("allocation 50 stores", seconds, f"{plan.manufacturing_qty:,} units")

        _, sequential = timed(lambda: plan_categories(category_inputs_, settings, workers=1))
        self.line("pre-season plan, 3 categories, one process", sequential)
        plans, parallel = timed(
            lambda: plan_categories(category_inputs_, settings, workers=workers)
        )
        self.line(f"pre-season plan, 3 categories, {workers} processes", parallel)
        warm, first_plan, second_plan = self._new_process_plans(directory, workers)
        self.line("new process: warm-up at start", warm, "in the background")
        self.line("new process: first 3-category plan after the warm-up", first_plan)
        self.line("new process: second 3-category plan", second_plan)

        self._weekly_update(directory, plans[first], settings)
        self._simulation(plans[first], inputs[first][1], settings, workers)
        self._chain(options["chain_stores"], options["chain_categories"], settings, workers)

    def _new_process_plans(self, directory: Path, workers: int) -> tuple[float, float, float]:
        """A new process as a server starts: warm-up, then the first and second plans."""
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
        warm, first_plan, second_plan = (
            float(x) for x in result.stdout.strip().splitlines()[-1].split()
        )
        return warm, first_plan, second_plan

    def _weekly_update(self, directory: Path, plan: Any, settings: PreseasonSettings) -> None:
        """One `run_week` (the product's weekly step) at week 5 of the low-demand scenario."""
        demand = scenario_actuals(directory, CATEGORIES[0].slug, "low_demand")
        policy = auto_approved(
            season_policy(
                horizon_weeks=settings.season.weeks,
                strategy=settings.strategy,
                safety_stock_pct=settings.safety_stock_pct,
                markdown_checkpoint_week=None,
                markdown_threshold=None,
            )
        )
        setup = season_setup(plan)
        state = replay_demand(setup, policy, {s: d[:4] for s, d in demand.items()}, weeks=4)[
            -1
        ].state
        week = WeekInput(5, demand={s: d[4] for s, d in demand.items()})
        runs = [timed(partial(run_week, state, week, policy))[1] for _ in range(20)]
        self.line(
            "weekly step (run_week): ledger, variance, level, replenishment",
            statistics.median(runs),
            "median of 20, 50 stores",
        )

    def _simulation(
        self, plan: Any, stores: Any, settings: PreseasonSettings, workers: int
    ) -> None:
        """The what-if's unit of work: one policy over 500 demand paths of the season."""
        planning = django_settings.PLANNING
        policy = season_policy(
            horizon_weeks=settings.season.weeks,
            strategy=settings.strategy,
            safety_stock_pct=settings.safety_stock_pct,
            markdown_checkpoint_week=6,
            markdown_threshold=planning["DEFAULT_MARKDOWN_THRESHOLD"],
        )
        choice = proposed_choice(
            plan.forecast,
            holdback_pct=settings.dc_holdback_pct,
            strategy=settings.strategy,
            safety_stock_pct=settings.safety_stock_pct,
            markdown_threshold=planning["DEFAULT_MARKDOWN_THRESHOLD"],
        )
        shares = {line.store_id: line.season_share for line in plan.allocation.stores}
        paths = 500
        demands, drawn = timed(lambda: demand_paths(plan.forecast, shares, paths=paths, seed=1))
        economics = economics_with_defaults(
            price=None,
            unit_cost=None,
            salvage_value=None,
            shipment_cost=0.0,
            history_revenue=None,
            history_units=0.0,
            default_price=planning["DEFAULT_PRICE"],
            cost_share=planning["COST_SHARE"],
            salvage_share=planning["SALVAGE_SHARE"],
        )
        play = partial(
            simulate,
            forecast=plan.forecast,
            stores=stores,
            assignments=plan.clustering.assignments,
            base_policy=policy,
            choice=choice,
            economics=economics,
            demands=demands,
        )
        for count in sorted({1, workers}):
            _, seconds = timed(partial(play, workers=count))
            self.line(
                f"what-if: one policy, {paths} paths x {len(shares)} stores x "
                f"{settings.season.weeks} weeks, {count} process(es)",
                drawn + seconds,
                f"paths drawn in {drawn:.2f} s",
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
        clustering, seconds = timed(lambda: cluster_stores(categories[0].stores, k=settings.k))
        self.line(f"clustering {store_count:,} stores", seconds, f"k={clustering.k}")
        plans, seconds = timed(lambda: plan_categories(categories, settings, workers=workers))
        total_units = sum(p.allocation.manufacturing_qty for p in plans.values())
        self.line(
            f"pre-season plan, {category_count} categories x {store_count:,} stores, "
            f"{workers} processes",
            seconds,
            f"{total_units:,} units ordered, {seconds / category_count:.2f} s a category",
        )
