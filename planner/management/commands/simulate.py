"""What-if on the sample data: the plan as proposed, a push baseline and a recommended policy
side by side, each played over demand paths through `run_week`."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from allocation.engine.shares import ShareRule, recent_shares, weekly_by_store
from forecasting.engine.types import Season
from planner.data.fixtures_path import SAMPLE_DIR
from planner.data.sample_data import (
    CATEGORIES,
    HISTORY_FILE,
    SEASON_START,
    SEASON_WEEKS,
    write_sample_data,
)
from planner.engine.preseason import PreseasonSettings, plan_preseason
from planner.engine.sample_inputs import (
    category_inputs,
    history_economics,
    read_history,
    scenario_actuals,
)
from planner.engine.whatif import (
    METRICS,
    PolicyChoice,
    PolicyResult,
    compare,
    critical_ratio_text,
    describe,
    proposed_choice,
    share_cv,
    simulate,
)
from planner.season.policy import prior_season_shock, safety_stock_for, season_policy

SCENARIOS = (
    "normal",
    "high_demand",
    "low_demand",
    "steady_underperformance",
    "severe_underperformance",
)
CHECKPOINT_WEEK = 6
LABELS = {
    "units_sold": "units sold",
    "lost_units": "lost sales",
    "revenue": "revenue",
    "gross_margin": "gross margin",
    "leftover_stores": "left at stores",
    "leftover_dc": "left at the DC",
    "sell_through": "sell-through",
    "stockout_store_weeks": "stockout store-weeks",
    "shipped_from_dc": "shipped from the DC",
}
OVERRIDABLE = {"holdback", "safety_stock", "strategy", "threshold", "order"}


def _value(metric: str, value: float) -> str:
    if metric == "sell_through":
        return f"{value:.1%}"
    if metric in ("revenue", "gross_margin"):
        return f"{value:,.0f}"
    return f"{value:,.0f}"


class Command(BaseCommand):
    help = (
        "What-if for a sample category: the plan as proposed, a push baseline and the "
        "recommended policy (newsvendor order; holdback, cadence and markdown threshold by a "
        "grid search on simulated margin) over demand paths, P10/P50/P90 and mean."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--category", default="Women's Dresses")
        parser.add_argument("--directory", type=Path, default=SAMPLE_DIR)
        parser.add_argument("--paths", type=int, default=500, help="paths scored (default 500)")
        parser.add_argument(
            "--search-paths", type=int, default=40, help="paths for the grid search (default 40)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--policy",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="your choice, scored beside the three: holdback=0.3, safety_stock=0.15, "
            "strategy=bi-weekly, threshold=0.5 (or none), order=60000",
        )
        parser.add_argument(
            "--scenarios",
            action="store_true",
            help="also replay the five generated scenario files as demand",
        )
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not (directory / HISTORY_FILE).exists():
            write_sample_data(directory)
        names = {c.name: c for c in CATEGORIES}
        if options["category"] not in names:
            raise CommandError(
                f"Unknown category {options['category']!r}; choose from {list(names)}."
            )
        category = names[options["category"]]
        planning = django_settings.PLANNING
        season = Season(SEASON_START, SEASON_WEEKS)
        strategy = "weekly"
        safety = safety_stock_for(strategy)
        holdback = planning["DEFAULT_DC_HOLDBACK_PCT"]
        threshold = planning["DEFAULT_MARKDOWN_THRESHOLD"]
        history = read_history(directory)
        daily, stores = category_inputs(directory, category.name, history, season=season)
        plan = plan_preseason(
            daily_units=daily,
            stores=stores,
            settings=PreseasonSettings(
                season, strategy, holdback, safety, planning["CLUSTERS"], prior_season_shock()
            ),
            category_name=category.name,
        )
        rows = history[history["category"] == category.name]
        economics = history_economics(
            history,
            category.name,
            default_price=planning["DEFAULT_PRICE"],
            cost_share=planning["COST_SHARE"],
            salvage_share=planning["SALVAGE_SHARE"],
        )
        base_policy = season_policy(
            horizon_weeks=season.weeks,
            strategy=strategy,
            safety_stock_pct=safety,
            markdown_checkpoint_week=CHECKPOINT_WEEK,
            markdown_threshold=threshold,
            economics=economics,
        )
        weekly = weekly_by_store(
            (
                (day.date(), str(store), float(units))
                for day, store, units in rows[["date", "store_id", "quantity_sold"]].itertuples(
                    index=False
                )
            ),
            season_start=season.start,
        )
        last_year = ShareRule(52).units(weekly, min(len(v) for v in weekly.values()))
        split_error = recent_shares(weekly, season_weeks=season.weeks).error
        spread = share_cv(split_error)
        proposed = proposed_choice(
            plan.forecast,
            holdback_pct=holdback,
            strategy=strategy,
            safety_stock_pct=safety,
            markdown_threshold=threshold,
        )
        shares = {line.store_id: line.season_share for line in plan.allocation.stores}
        write = self.stdout.write
        write(
            f"{category.name}: forecast {plan.forecast.total_units:,.0f} units over "
            f"{season.weeks} weeks from {season.start}; price {economics.price:.2f} "
            f"({economics.sources['price']}), cost {economics.unit_cost:.2f} "
            f"({economics.sources['unit_cost']}), salvage {economics.salvage_value:.2f} "
            f"({economics.sources['salvage_value']}); {critical_ratio_text(economics)}; "
            + (
                f"store shares spread {spread:.1%} (the share rule misallocated "
                f"{split_error:.2%} of units on history)"
                if split_error is not None
                else f"store shares spread {spread:.0%} (default: no share backtest)"
            )
        )
        started = time.perf_counter()
        comparison = compare(
            forecast=plan.forecast,
            stores=stores,
            assignments=plan.clustering.assignments,
            base_policy=base_policy,
            economics=economics,
            proposed=proposed,
            last_year_units=last_year,
            shares=shares,
            choice=self._override(proposed, options["policy"]) if options["policy"] else None,
            paths=options["paths"],
            search_paths=options["search_paths"],
            seed=options["seed"],
            workers=options["workers"],
            share_spread=spread,
        )
        seconds = time.perf_counter() - started
        results = list(comparison.results)
        write(
            f"grid search: {len(comparison.grid)} policies x {options['search_paths']} paths "
            f"(seed {options['seed']}); scored on {options['paths']} fresh paths (seed "
            f"{options['seed'] + 1000}); {seconds:.1f} s in all. Mean (P10 .. P90):"
        )
        self._table(results)
        self._verdict(results)
        if options["scenarios"]:
            demands = [scenario_actuals(directory, category.slug, s) for s in SCENARIOS]
            write("\nthe five generated scenarios replayed as demand; mean (P10 .. P90) over them:")
            replays = [
                simulate(
                    forecast=plan.forecast,
                    stores=stores,
                    assignments=plan.clustering.assignments,
                    base_policy=base_policy,
                    choice=result.choice,
                    economics=economics,
                    demands=demands,
                    workers=options["workers"],
                )
                for result in results
            ]
            self._table(replays)
            self._verdict(replays)

    def _override(self, proposed: PolicyChoice, pairs: list[str]) -> PolicyChoice:
        values: dict[str, str] = {}
        for pair in pairs:
            key, _, value = pair.partition("=")
            if key not in OVERRIDABLE or not value:
                raise CommandError(
                    f"--policy {pair!r}: use KEY=VALUE, KEY one of {sorted(OVERRIDABLE)}"
                )
            values[key] = value
        try:
            choice = PolicyChoice(
                label="your choice",
                order_units=int(values.get("order", proposed.order_units)),
                holdback_pct=float(values.get("holdback", proposed.holdback_pct)),
                strategy=values.get("strategy", proposed.strategy),
                safety_stock_pct=float(values.get("safety_stock", proposed.safety_stock_pct)),
                markdown_threshold=(
                    None
                    if values.get("threshold") == "none"
                    else float(values.get("threshold", proposed.markdown_threshold or 0.6))
                ),
            )
        except ValueError as error:
            raise CommandError(f"--policy: {error}") from error
        if "safety_stock" in values and "order" not in values:
            total = proposed.order_units / (1 + proposed.safety_stock_pct)
            choice = dataclasses.replace(
                choice, order_units=round(total * (1 + choice.safety_stock_pct))
            )
        if choice.strategy not in ("weekly", "bi-weekly", "none"):
            raise CommandError("--policy strategy: weekly, bi-weekly or none")
        return choice

    def _table(self, results: list[PolicyResult]) -> None:
        write = self.stdout.write
        write("| | " + " | ".join(r.choice.label for r in results) + " |")
        write("|---|" + "---|" * len(results))
        write("| policy | " + " | ".join(describe(r.choice) for r in results) + " |")
        for metric in METRICS:
            cells = []
            for result in results:
                s = result.summary(metric)
                cells.append(
                    f"{_value(metric, s.mean)} ({_value(metric, s.p10)} .. {_value(metric, s.p90)})"
                )
            write(f"| {LABELS[metric]} | " + " | ".join(cells) + " |")

    def _verdict(self, results: list[PolicyResult]) -> None:
        by_label = {r.choice.label: r for r in results}
        recommended = by_label["recommended"].summary("gross_margin")
        for other in ("plan as proposed", "push baseline"):
            base = by_label[other].summary("gross_margin")
            gain = recommended.mean / base.mean - 1 if base.mean else float("nan")
            self.stdout.write(
                f"recommended vs {other}: mean margin {gain:+.1%}, P10 "
                f"{recommended.p10:,.0f} vs {base.p10:,.0f}; lost sales "
                f"{by_label['recommended'].summary('lost_units').mean:,.0f} vs "
                f"{by_label[other].summary('lost_units').mean:,.0f}"
            )
