"""Replays the generated scenarios through the engine's `run_week` and prints accuracy and
outcomes. The loop as it ran before the plan followed the evidence every week is gone; its
figures are kept in docs/benchmarks.md."""

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from forecasting.engine.types import Season
from planner.data.fixtures_path import SAMPLE_DIR
from planner.data.sample_data import (
    CATEGORIES,
    HISTORY_FILE,
    SEASON_START,
    SEASON_WEEKS,
    write_sample_data,
)
from planner.engine.evaluation import (
    FORECASTERS,
    CategoryEvaluation,
    ScenarioReplay,
    evaluate_category,
    holdout_seasons,
    replay_scenario,
    season_setup,
)
from planner.engine.preseason import PreseasonSettings
from planner.engine.sample_inputs import category_inputs, history_economics, read_history
from planner.engine.scenarios import scenario_demand, scenario_family
from planner.engine.season import SeasonPolicy, SeasonSetup
from planner.season.policy import (
    prior_season_shock,
    safety_stock_for,
    season_policy,
)

# 12-week seasons inside 2024, every 8 weeks, each forecast from the history before it.
HOLDOUT_STARTS = [dt.date(2024, 1, 1) + dt.timedelta(weeks=8 * i) for i in range(6)]
CHECKPOINT_WEEK = 6
REPORTED_WEEK = 4  # the rest-of-season error the target names


NO_LIFT = "level -30% from week 1, markdown without lift"
COLLAPSE = "collapse to 10% of plan from week 2"


def _family_wapes(replay: ScenarioReplay) -> list[float | None]:
    """The rest-of-season WAPE after week 4, before the checkpoint, and two weeks after the
    markdown's first week."""
    return [
        replay.rest_of_season_wape(week)
        for week in (REPORTED_WEEK, CHECKPOINT_WEEK - 1, CHECKPOINT_WEEK + 2)
    ]


BAR_SEEDS = 20


def _seed_means(
    setup: SeasonSetup,
    policy: SeasonPolicy,
    curve: tuple[float, ...],
    name: str,
    columns: tuple[int, ...],
) -> list[float]:
    """The family case `name` replayed on `BAR_SEEDS` seeds: the mean of each of its
    `_family_wapes` columns (one seed's WAPE of a few percent moves by half of itself)."""
    scenario = next(s for s in scenario_family(policy.horizon_weeks) if s.name == name)
    sums = [0.0] * len(columns)
    for seed in range(BAR_SEEDS):
        demand = scenario_demand(curve, setup.shares, scenario, seed=1000 + seed)
        wapes = _family_wapes(
            replay_scenario(setup, policy, demand, lift_response=scenario.lift_response)
        )
        for index, column in enumerate(columns):
            sums[index] += wapes[column] or 0.0
    return [total / BAR_SEEDS for total in sums]


def _pct(value: float) -> str:
    return f"{value:6.1%}"


def outcome_row(replay: ScenarioReplay) -> dict[str, Any]:
    """The figures a merchandiser reads off one replayed season."""
    final = replay.final
    state = final.state
    report = final.report
    assert report is not None  # the last week always makes the report
    stocked_out_weeks = {o.week_number for o in replay.outcomes if o.stockouts}
    return {
        "sales": state.units_sold,
        "lost": state.lost_units,
        # Lost beyond what no allocation could have served: demand above the whole order.
        "lost_beyond_supply": state.lost_units - max(0, replay.demand - state.setup.manufactured),
        "stockouts": state.stockout_store_weeks,
        "dc_left": state.dc_on_hand,
        "dc_left_pct": state.dc_on_hand / state.setup.dc_units if state.setup.dc_units else 0.0,
        "dc_left_while_out": bool(stocked_out_weeks) and state.dc_on_hand > 0,
        "leftover": report.leftover_store_units + report.leftover_dc_units,
        "sell_through": report.sell_through_received,
        "revisions": state.revision_weeks,
        "markdowns": report.markdowns,
        "wape": [replay.rest_of_season_wape(w) for w in range(1, len(replay.outcomes) + 1)],
    }


class Command(BaseCommand):
    help = (
        "Replay the five generated scenarios as demand (sales = min(demand, stock)) through "
        "run_week: pre-season accuracy of the ensemble, its members and seasonal naive; sales, "
        "lost sales, stockouts, DC units never shipped, leftovers and the rest-of-season error "
        "after each weekly update; then holdout seasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--category",
            default="Women's Dresses",
            help="A sample category name, or 'all' (default: Women's Dresses).",
        )
        parser.add_argument("--directory", type=Path, default=SAMPLE_DIR)
        parser.add_argument("--skip-holdout", action="store_true")
        parser.add_argument(
            "--family",
            action="store_true",
            help="Replay the whole scenario family around each plan (level breaks, drift, a "
            "spike, markdowns without or with twice the lift, a store closing); without it, "
            "only the markdown without lift and the collapse.",
        )

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
        season = Season(SEASON_START, SEASON_WEEKS)
        preseason = PreseasonSettings(
            season=season,
            strategy="weekly",
            dc_holdback_pct=planning["DEFAULT_DC_HOLDBACK_PCT"],
            safety_stock_pct=safety_stock_for("weekly"),
            k=planning["CLUSTERS"],
            season_shock=prior_season_shock(),
        )
        policy = season_policy(
            horizon_weeks=season.weeks,
            strategy="weekly",
            safety_stock_pct=preseason.safety_stock_pct,
            markdown_checkpoint_week=CHECKPOINT_WEEK,
            markdown_threshold=planning["DEFAULT_MARKDOWN_THRESHOLD"],
        )
        history = read_history(directory)
        for category in chosen:
            economics = history_economics(
                history,
                category,
                default_price=planning["DEFAULT_PRICE"],
                cost_share=planning["COST_SHARE"],
                salvage_share=planning["SALVAGE_SHARE"],
            )
            priced = {"now": replace(policy, economics=economics)}
            evaluation = evaluate_category(directory, category, names[category], preseason, priced)
            self._category(evaluation, preseason)
            self._family(evaluation, priced["now"], everything=options["family"])
        if not options["skip_holdout"]:
            self._holdout(directory, chosen)

    def _category(self, evaluation: CategoryEvaluation, settings: PreseasonSettings) -> None:
        write = self.stdout.write
        plan = evaluation.plan
        forecast = plan.forecast
        write(
            f"\n== {evaluation.category}: {settings.season.weeks} weeks from "
            f"{settings.season.start}, {settings.strategy} replenishment, "
            f"{settings.dc_holdback_pct:.0%} DC holdback, markdown check at week "
            f"{CHECKPOINT_WEEK}; scenario files replayed as demand, every proposal approved"
        )
        backtest = (
            f"; backtest WAPE {forecast.backtest.ensemble_wape:.1%}" if forecast.backtest else ""
        )
        write(
            f"Forecast {forecast.total_units:,.0f} units (weights "
            + ", ".join(f"{name} {weight:.2f}" for name, weight in forecast.weights.items())
            + f"; {forecast.weighting_note}){backtest}"
        )
        write(
            f"Order {plan.allocation.manufacturing_qty:,} units: "
            f"{plan.allocation.dc_holdback_units:,} at the DC, "
            f"{plan.allocation.store_initial_units:,} to {len(plan.allocation.stores)} stores in "
            f"{plan.clustering.k} clusters (silhouette {plan.clustering.silhouette:.2f})"
        )
        write("\nPre-season forecast against each scenario's demand: WAPE / MAPE / bias")
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

        write(
            "\nIn season (policy: now = level every week, no cap, order-up-to replenishment "
            "from the updated plan, the priced markdown)"
        )
        write(
            f"{'scenario':<24}{'policy':<7}{'sales':>8}{'lost':>7}{'(>supply)':>10}{'stockout':>9}"
            f"{'DC left':>13}{'leftover':>9}{'sell-thr':>9}  {'markdown':<9}"
            f"rest-of-season WAPE after week 1..10"
        )
        for result in evaluation.scenarios:
            for name, replay in result.replays.items():
                row = outcome_row(replay)
                markdown = ", ".join(f"w{w}: {p:.0%}" for w, p in row["markdowns"]) or "none"
                wapes = " ".join(f"{w:.0%}" for w in row["wape"] if w is not None)
                write(
                    f"{result.scenario:<24}{name:<7}{row['sales']:>8,}{row['lost']:>7,}"
                    f"{row['lost_beyond_supply']:>10,}"
                    f"{row['stockouts']:>9}{row['dc_left']:>7,} ({row['dc_left_pct']:>3.0%})"
                    f"{row['leftover']:>9,}{row['sell_through']:>9.0%}  {markdown:<9}{wapes}"
                )
        seconds = sum(r.seconds for s in evaluation.scenarios for r in s.replays.values())
        weeks = sum(len(r.outcomes) for s in evaluation.scenarios for r in s.replays.values())
        write(
            f"\nWall time: forecast {plan.timings['forecast']:.3f} s, clustering "
            f"{plan.timings['clustering']:.3f} s; run_week {1000 * seconds / weeks:.2f} ms a week"
        )

    def _family(
        self, evaluation: CategoryEvaluation, policy: SeasonPolicy, *, everything: bool
    ) -> None:
        """The scenario family around the plan, replayed under the product's policy: all of
        it with `everything`, else the markdown without lift and the collapse; then the
        in-season bars over the sample scenarios and the family cases replayed."""
        write = self.stdout.write
        plan = evaluation.plan
        setup = season_setup(plan)
        write(
            f"\nScenario family around the plan of {evaluation.category} (demand drawn around the "
            "plan and its store shares, seeded), every proposal approved"
        )
        write(
            f"{'scenario':<52}{'demand':>8}{'sold':>8}{'lost':>7}{'stockout':>9}{'of them':>8}"
            f"{'DC left':>13}{'leftover':>9}  {'markdown':<9}"
            f"{'WAPE wk4':>9}{'before md':>10}{'md + 2':>8}"
        )
        replays: dict[str, ScenarioReplay] = {}
        for seed, scenario in enumerate(scenario_family(policy.horizon_weeks)):
            if not everything and scenario.name not in (NO_LIFT, COLLAPSE):
                continue
            demand = scenario_demand(plan.forecast.curve, setup.shares, scenario, seed=seed)
            replay = replay_scenario(setup, policy, demand, lift_response=scenario.lift_response)
            replays[scenario.name] = replay
            row = outcome_row(replay)
            while_dc = sum(o.stockouts_beside_dc_stock for o in replay.outcomes)
            markdown = ", ".join(f"w{w}: {p:.0%}" for w, p in row["markdowns"]) or "none"
            after4, before, later = (
                "-" if w is None else f"{w:.0%}" for w in _family_wapes(replay)
            )
            dc_left = f"{row['dc_left']:>7,} ({row['dc_left_pct']:>3.0%})"
            write(
                f"{scenario.name:<52}{replay.demand:>8,}{row['sales']:>8,}{row['lost']:>7,}"
                f"{row['stockouts']:>9}{while_dc:>8}{dc_left}{row['leftover']:>9,}  "
                f"{markdown:<9}{after4:>9}{before:>10}{later:>8}"
            )
        write(
            "(of them: stockout store-weeks while the DC held stock it did not ration; WAPE "
            f"wk4: the plan in force after week {REPORTED_WEEK} on the rest of the season; "
            f"before md / md + 2: after week {CHECKPOINT_WEEK - 1} (before the checkpoint) and "
            "two weeks after the markdown's first week)"
        )
        sample = [result.replays["now"] for result in evaluation.scenarios]
        played = [*sample, *replays.values()]
        beside = sum(o.stockouts_beside_dc_stock for r in played for o in r.outcomes)
        store_weeks = sum(len(o.store_weeks) for r in played for o in r.outcomes)
        md_before, md_later = _seed_means(setup, policy, plan.forecast.curve, NO_LIFT, (1, 2))
        (collapse,) = _seed_means(setup, policy, plan.forecast.curve, COLLAPSE, (0,))
        write(
            f"Bars: stockouts beside DC stock {beside} of {store_weeks:,} store-weeks "
            f"({beside / store_weeks:.2%}; at most 1 %) over the sample scenarios and these "
            f"cases. Over {BAR_SEEDS} seeds: markdown without lift, WAPE two weeks after it "
            f"{md_later:.1%} against {md_before:.1%} before ({md_later / md_before:.2f}x; at "
            f"most 1.5x); collapse, WAPE after week {REPORTED_WEEK} {collapse:.1%} (at most "
            "50 %)"
        )

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
            daily, _ = category_inputs(
                directory, category, history, season=Season(SEASON_START, SEASON_WEEKS)
            )
            for season in holdout_seasons(daily, category, HOLDOUT_STARTS):
                total += 1
                wins += season.wape["ensemble"] < season.wape["seasonal_naive"]
                cells = "".join(
                    f"{season.wape[name]:>16.1%}" if name in season.wape else f"{'-':>16}"
                    for name in FORECASTERS
                )
                write(f"{category:<18}{season.start!s:<12}{cells}")
        write(
            f"Ensemble beats seasonal naive in {wins} of {total} holdout seasons "
            f"({time.perf_counter() - started:.1f} s)."
        )
