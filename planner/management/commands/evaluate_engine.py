"""Replays the generated scenarios through the engine and prints accuracy and outcomes."""

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from forecasting.engine.types import Season
from planner.engine.evaluation import FORECASTERS, evaluate_category, holdout_seasons
from planner.engine.sample_inputs import category_inputs, read_history
from planner.engine.season import SeasonSettings
from planner.fixtures_path import SAMPLE_DIR
from planner.sample_data import (
    CATEGORIES,
    HISTORY_FILE,
    SEASON_START,
    SEASON_WEEKS,
    write_sample_data,
)

# 12-week seasons inside 2024, every 8 weeks, each forecast from the history before it.
HOLDOUT_STARTS = [dt.date(2024, 1, 1) + dt.timedelta(weeks=8 * i) for i in range(6)]


def _pct(value: float) -> str:
    return f"{value:6.1%}"


class Command(BaseCommand):
    help = (
        "Replay the five generated scenarios: pre-season accuracy of the ensemble, its members "
        "and seasonal naive; re-forecasts, markdowns, sell-through, stockouts, leftovers; "
        "then holdout seasons on history; with wall time per step."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--category",
            default="Women's Dresses",
            help="A sample category name, or 'all' (default: Women's Dresses).",
        )
        parser.add_argument("--directory", type=Path, default=SAMPLE_DIR)
        parser.add_argument(
            "--markdown-response",
            choices=["expected", "none"],
            default="expected",
            help="After an approved markdown, scale later sales by its expected lift "
            "(default) or replay the files unchanged.",
        )
        parser.add_argument("--skip-holdout", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not (directory / HISTORY_FILE).exists():
            self.stdout.write(f"Generating sample data in {directory} ...")
            write_sample_data(directory)
        names = {c.name: c.slug for c in CATEGORIES}
        chosen = list(names) if options["category"] == "all" else [options["category"]]
        unknown = [name for name in chosen if name not in names]
        if unknown:
            raise CommandError(f"Unknown category {unknown[0]!r}; choose from {list(names)}.")
        planning = django_settings.PLANNING
        settings = SeasonSettings(
            season=Season(SEASON_START, SEASON_WEEKS),
            strategy="weekly",
            dc_holdback_pct=planning["DEFAULT_DC_HOLDBACK_PCT"],
            markdown_checkpoint_week=6,
            markdown_threshold=planning["DEFAULT_MARKDOWN_THRESHOLD"],
            variance_threshold=planning["VARIANCE_THRESHOLD"],
            max_reforecasts=planning["MAX_REFORECASTS"],
            elasticity=planning["DEFAULT_ELASTICITY"],
            markdown_cap=planning["MARKDOWN_CAP"],
            lift_per_point=planning["MARKDOWN_LIFT_PER_POINT"],
            markdown_response=options["markdown_response"],
        )
        for category in chosen:
            self._category(directory, category, names[category], settings)
        if not options["skip_holdout"]:
            self._holdout(directory, chosen)

    def _category(
        self, directory: Path, category: str, slug: str, settings: SeasonSettings
    ) -> None:
        write = self.stdout.write
        evaluation = evaluate_category(directory, category, slug, settings)
        plan = evaluation.plan
        forecast = plan.forecast
        write(
            f"\n== {category}: {settings.season.weeks} weeks from {settings.season.start}, "
            f"{settings.strategy} replenishment, {settings.dc_holdback_pct:.0%} DC holdback, "
            f"markdown check at week {settings.markdown_checkpoint_week} below "
            f"{settings.markdown_threshold:.0%} sell-through, markdown response: "
            f"{settings.markdown_response}"
        )
        backtest = (
            f"; backtest WAPE {forecast.backtest.ensemble_wape:.1%}" if forecast.backtest else ""
        )
        write(
            f"Forecast {forecast.total_units:,.0f} units (prophet {forecast.prophet_weight:.2f}, "
            f"arima {forecast.arima_weight:.2f}; {forecast.weighting_note}){backtest}"
        )
        write(
            f"Order {plan.allocation.manufacturing_qty:,} units: "
            f"{plan.allocation.dc_holdback_units:,} at the DC, "
            f"{plan.allocation.store_initial_units:,} to {len(plan.allocation.stores)} stores in "
            f"{plan.clustering.k} clusters (silhouette {plan.clustering.silhouette:.2f})"
        )
        write("\nPre-season forecast against each scenario's actuals: WAPE / MAPE / bias")
        write(f"{'scenario':<26}" + "".join(f"{name:>26}" for name in FORECASTERS))
        for result in evaluation.scenarios:
            cells = "".join(
                f"    {_pct(a.wape)} {_pct(a.mape)} {a.bias:+6.1%}"
                for a in (result.preseason[name] for name in FORECASTERS)
            )
            write(f"{result.scenario:<26}{cells}")
        wins = sum(
            r.preseason["ensemble"].wape < r.preseason["seasonal_naive"].wape
            for r in evaluation.scenarios
        )
        write(f"Ensemble beats seasonal naive on WAPE in {wins} of {len(evaluation.scenarios)}.")

        write("\nIn season")
        write(
            f"{'scenario':<26}{'re-forecasts (week: factor, rest-of-season WAPE)':<52}"
            f"{'markdown':<14}{'sell-through':>14}{'stockout':>10}{'leftover':>10}{'seconds':>9}"
        )
        write(f"{'':<26}{'':<52}{'':<14}{'recv / mfg':>14}{'st-weeks':>10}{'units':>10}")
        for result in evaluation.scenarios:
            report = result.replay.report
            refits = ", ".join(
                f"w{log.week_number}: x{log.level.adjustment_factor:.2f}, "
                f"{log.rest_of_season_wape:.1%}"
                for log in result.replay.weeks
                if log.level is not None and log.rest_of_season_wape is not None
            )
            markdown = ", ".join(f"w{week}: {pct:.0%}" for week, pct in report.markdowns) or "none"
            write(
                f"{result.scenario:<26}{refits or 'none':<52}{markdown:<14}"
                f"{report.sell_through_received:>7.0%} /{report.sell_through_manufactured:>4.0%}"
                f"{report.stockout_store_weeks:>10}"
                f"{report.leftover_store_units + report.leftover_dc_units:>10,}"
                f"{result.seconds:>9.3f}"
            )
        steps = {**plan.timings}
        for result in evaluation.scenarios:
            for step, seconds in result.replay.step_seconds.items():
                steps[f"in-season {step} (5 seasons)"] = (
                    steps.get(f"in-season {step} (5 seasons)", 0.0) + seconds
                )
        write("\nWall time per step: " + ", ".join(f"{k} {v:.3f} s" for k, v in steps.items()))

    def _holdout(self, directory: Path, categories: list[str]) -> None:
        write = self.stdout.write
        write(
            "\n== Holdout seasons on history: 12 weeks from each start, forecast from the "
            "history before it, scored against what was sold (WAPE)"
        )
        write(f"{'category':<18}{'start':<12}" + "".join(f"{name:>16}" for name in FORECASTERS))
        started = time.perf_counter()
        wins = total = 0
        history = read_history(directory)
        for category in categories:
            daily, _ = category_inputs(directory, category, history)
            for season in holdout_seasons(daily, category, HOLDOUT_STARTS):
                total += 1
                wins += season.wape["ensemble"] < season.wape["seasonal_naive"]
                cells = "".join(f"{season.wape[name]:>16.1%}" for name in FORECASTERS)
                write(f"{category:<18}{season.start!s:<12}{cells}")
        write(
            f"Ensemble beats seasonal naive in {wins} of {total} holdout seasons "
            f"({time.perf_counter() - started:.1f} s)."
        )
