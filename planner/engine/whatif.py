"""What-if: a season simulator that prices each decision before it is made. No Django
imports.

A policy (order quantity, DC holdback, replenishment cadence, markdown threshold, store
shares) is played over demand paths: each path runs the product's own `run_week` loop
(`replay_demand`), stores selling min(demand, stock), every proposal approved as made. The
paths come from the forecast's season risk (a season level and weekly shape from
forecasting.engine.risk, store shares with noise, Poisson counts) or from files.
Seeded and reproducible.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from allocation.engine.allocation import plan_allocation
from allocation.engine.types import StoreProfile
from forecasting.engine.types import CategoryForecast
from planner.engine.money import markdown_off
from planner.engine.newsvendor import critical_ratio, newsvendor_quantity
from planner.engine.season import (
    SeasonPolicy,
    SeasonSetup,
    SeasonState,
    WeekOutcome,
    auto_approved,
    lift_factor,
    replay_demand,
)
from shared.economics import Economics

# Spread of a store's share of the season around its planned share when history gave no
# share backtest to measure it (`share_cv`).
SHARE_CV = 0.10
HOLDBACKS = (0.0, 0.15, 0.30, 0.45, 0.60)
CADENCES = ("weekly", "bi-weekly", "none")
THRESHOLDS: tuple[float | None, ...] = (None, 0.5, 0.6, 0.7)
# Orders tried above the newsvendor quantity, so the recommendation can lose no more sales
# than the plan (the newsvendor alone trades lost sales for margin).
UPPER_Z = 1.645  # an order must lose no more sales than the plan at 95 % confidence
ORDER_STEPS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.13, 0.16, 0.20)
METRICS = (
    "units_sold",
    "lost_units",
    "revenue",
    "gross_margin",
    "leftover_stores",
    "leftover_dc",
    "sell_through",
    "stockout_store_weeks",
    "shipped_from_dc",
)
# The demand decile the what-if reports lost sales in beside the mean: the seasons a buyer
# fears running out in.
HIGH_DEMAND_SHARE = 0.10


@dataclass(frozen=True)
class PolicyChoice:
    """The decisions a what-if varies; `store_units` overrides the shares the order is split
    by (the push baseline's last-year sales), None keeps the planned shares."""

    label: str
    order_units: int
    holdback_pct: float
    strategy: str
    safety_stock_pct: float
    markdown_threshold: float | None
    store_units: Mapping[str, float] | None = None


@dataclass(frozen=True)
class PathResult:
    units_sold: int
    lost_units: int
    revenue: float
    gross_margin: float
    leftover_stores: int
    leftover_dc: int
    sell_through: float
    stockout_store_weeks: int
    shipped_from_dc: int

    @property
    def demand_units(self) -> int:
        return self.units_sold + self.lost_units


@dataclass(frozen=True)
class Summary:
    p10: float
    p50: float
    p90: float
    mean: float


@dataclass(frozen=True)
class PolicyResult:
    choice: PolicyChoice
    paths: tuple[PathResult, ...]

    def summary(self, metric: str, paths: Sequence[PathResult] | None = None) -> Summary:
        values = np.array([getattr(path, metric) for path in paths or self.paths], dtype=float)
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        return Summary(float(p10), float(p50), float(p90), float(values.mean()))

    def high_demand_paths(self) -> tuple[PathResult, ...]:
        """The paths whose season demand is in the top `HIGH_DEMAND_SHARE` (at least one)."""
        ranked = sorted(self.paths, key=lambda path: path.demand_units, reverse=True)
        return tuple(ranked[: max(1, round(HIGH_DEMAND_SHARE * len(ranked)))])


def share_cv(split_error: float | None) -> float:
    """The spread (coefficient of variation) of store shares that misallocates, on average,
    `split_error` of the units (half the sum of |planned - actual share|, as the share rule's
    backtest on history measured it): with actual = planned x (1 + e), e ~ N(0, cv^2),
    E|planned x e| = planned x cv x sqrt(2 / pi), so the error is cv / sqrt(2 pi). None (no
    backtest) gives `SHARE_CV`. The backtest's error holds the count noise of its actual weeks
    too, which the paths add again as Poisson counts: the spread errs on the wide side."""
    if split_error is None:
        return SHARE_CV
    return split_error * math.sqrt(2 * math.pi)


def demand_paths(
    forecast: CategoryForecast,
    shares: Mapping[str, float],
    *,
    paths: int,
    seed: int,
    share_cv: float = SHARE_CV,
    noise: bool = True,
    counts: bool = True,
) -> list[dict[str, list[int]]]:
    """`paths` seasons of store demand (store -> units per week) drawn from the forecast's
    season risk (forecasting.engine.risk): a season level, weekly shape factors that keep its
    total, store shares x gamma(mean 1, `share_cv`) renormalised, then Poisson counts (rounded
    means without `counts`). Without `noise`, every path is the forecast split by the planned
    shares, rounded (the deterministic replay)."""
    stores = sorted(shares)
    planned = np.array([shares[s] for s in stores])
    curve = np.array(forecast.curve)
    rng = np.random.default_rng(seed)
    result = []
    for _ in range(paths):
        if noise:
            level = float(forecast.risk.sample_levels(rng, 1)[0])
            weekly = curve * level * forecast.risk.sample_shapes(rng, curve, forecast.first_step)
            store_shares = planned.copy()
            if share_cv > 0:
                k = 1 / share_cv**2
                store_shares *= rng.gamma(k, 1 / k, len(stores))
            store_shares /= store_shares.sum()
            means = np.outer(store_shares, weekly)
            units = rng.poisson(means) if counts else np.rint(means)
        else:
            units = np.rint(np.outer(planned, curve))
        result.append({s: [int(u) for u in row] for s, row in zip(stores, units, strict=True)})
    return result


def demand_of_season(state: SeasonState) -> dict[str, list[int]]:
    """The full-price store demand of the weeks that happened (store -> units per week), to
    replay other policies on them: a store's sales, or, where it sold out (its sales capped
    by stock), at least its share of the plan in force that week; then the lift of the
    markdowns in force taken back out (`replay_demand` applies a replayed policy's own)."""
    shares = state.setup.shares
    demand = {store: [0] * state.week for store in shares}
    for entry in state.ledger:
        units = float(entry.sold)
        if entry.stockout:
            planned = state.plans_of_record[entry.week_number - 1] * shares[entry.store_id]
            units = max(units, planned)
        factor = lift_factor(state.lifts, entry.week_number)
        demand[entry.store_id][entry.week_number - 1] = round(units / factor)
    return demand


def season_setup_for(
    forecast: CategoryForecast,
    stores: Sequence[StoreProfile],
    assignments: Mapping[str, str],
    choice: PolicyChoice,
) -> SeasonSetup:
    """The season a choice starts: its order split over the stores and the DC."""
    profiles = (
        stores
        if choice.store_units is None
        else [replace(s, category_units=choice.store_units.get(s.store_id, 0.0)) for s in stores]
    )
    allocation = plan_allocation(
        weekly_forecast=forecast.curve,
        stores=profiles,
        assignments=assignments,
        safety_stock_pct=choice.safety_stock_pct,
        dc_holdback_pct=choice.holdback_pct,
        quantity=choice.order_units,
    )
    return SeasonSetup(
        base_weeks=forecast.weeks,
        prior_sd=forecast.level_sd,
        noise_sd=forecast.noise_sd,
        shares={line.store_id: line.season_share for line in allocation.stores},
        initial_units={line.store_id: line.initial_units for line in allocation.stores},
        dc_units=allocation.dc_holdback_units,
    )


def season_policy_for(base: SeasonPolicy, choice: PolicyChoice) -> SeasonPolicy:
    """The season policy a choice plays under, every proposal approved as made."""
    return auto_approved(
        replace(
            base,
            strategy=choice.strategy,
            safety_stock_pct=choice.safety_stock_pct,
            markdown_threshold=choice.markdown_threshold,
            markdown_checkpoint_week=(
                base.markdown_checkpoint_week if choice.markdown_threshold is not None else None
            ),
        )
    )


def path_result(
    outcomes: Sequence[WeekOutcome], setup: SeasonSetup, order_units: int, economics: Economics
) -> PathResult:
    """The economics of one simulated season: revenue at the prices in force each week,
    gross margin = revenue - order x cost + leftovers x salvage - shipments x shipment cost."""
    final = outcomes[-1].state
    markdowns = [(fact.week_number, fact.markdown_pct) for fact in final.markdowns]
    revenue = 0.0
    for outcome in outcomes:
        off = markdown_off(markdowns, outcome.week_number)
        revenue += outcome.units_sold * economics.price * (1 - off)
    leftover_stores = sum(final.on_hand.values())
    leftover = leftover_stores + final.dc_on_hand
    shipments = [line for o in outcomes for line in o.arrivals if line.units > 0]
    margin = (
        revenue
        - order_units * economics.unit_cost
        + leftover * economics.salvage_value
        - len(shipments) * economics.shipment_cost
    )
    sold = sum(o.units_sold for o in outcomes)
    return PathResult(
        units_sold=sold,
        lost_units=sum(o.lost_units for o in outcomes),
        revenue=revenue,
        gross_margin=margin,
        leftover_stores=leftover_stores,
        leftover_dc=final.dc_on_hand,
        sell_through=sold / order_units if order_units else 0.0,
        stockout_store_weeks=sum(o.stockouts for o in outcomes),
        shipped_from_dc=sum(line.units for line in shipments),
    )


def _play(job: tuple) -> list[PathResult]:
    setup, policy, order_units, economics, demands = job
    return [
        path_result(replay_demand(setup, policy, demand), setup, order_units, economics)
        for demand in demands
    ]


def simulate(
    *,
    forecast: CategoryForecast,
    stores: Sequence[StoreProfile],
    assignments: Mapping[str, str],
    base_policy: SeasonPolicy,
    choice: PolicyChoice,
    economics: Economics,
    demands: Sequence[Mapping[str, Sequence[int]]],
    workers: int = 1,
) -> PolicyResult:
    """Plays `choice` over every demand path through `run_week`; with `workers` > 1 the paths
    are split over forked processes."""
    setup = season_setup_for(forecast, stores, assignments, choice)
    policy = season_policy_for(base_policy, choice)
    if workers <= 1:
        return PolicyResult(
            choice, tuple(_play((setup, policy, choice.order_units, economics, demands)))
        )
    # Consecutive runs of paths, one per process, so the results come back in path order.
    size = max(1, math.ceil(len(demands) / workers))
    jobs = [
        (setup, policy, choice.order_units, economics, demands[start : start + size])
        for start in range(0, len(demands), size)
    ]
    context = multiprocessing.get_context("fork")
    # Each forked worker freezes the heap it inherited: the garbage collector then never walks
    # (and copies) the parent's objects, which took a fifth of a worker's time.
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=gc.freeze
    ) as pool:
        parts = list(pool.map(_play, jobs))
    return PolicyResult(choice, tuple(result for part in parts for result in part))


def proposed_choice(
    forecast: CategoryForecast,
    *,
    holdback_pct: float,
    strategy: str,
    safety_stock_pct: float,
    markdown_threshold: float | None,
) -> PolicyChoice:
    """The plan as proposed: forecast x (1 + safety stock), the extracted parameters."""
    return PolicyChoice(
        label="plan as proposed",
        order_units=math.ceil(round(forecast.total_units * (1 + safety_stock_pct), 6)),
        holdback_pct=holdback_pct,
        strategy=strategy,
        safety_stock_pct=safety_stock_pct,
        markdown_threshold=markdown_threshold,
    )


def push_choice(
    forecast: CategoryForecast, *, safety_stock_pct: float, last_year_units: Mapping[str, float]
) -> PolicyChoice:
    """Everything to stores at launch by last year's store sales; no replenishment, no
    markdown."""
    return PolicyChoice(
        label="push baseline",
        order_units=math.ceil(round(forecast.total_units * (1 + safety_stock_pct), 6)),
        holdback_pct=0.0,
        strategy="none",
        safety_stock_pct=safety_stock_pct,
        markdown_threshold=None,
        store_units=last_year_units,
    )


def newsvendor_choice(
    forecast: CategoryForecast, economics: Economics, template: PolicyChoice
) -> PolicyChoice:
    """`template` with the order at the newsvendor quantity of the season's demand
    distribution (the forecast's season risk)."""
    quantity = newsvendor_quantity(
        demand_quantile=lambda p: forecast.total_units * forecast.risk.factor_quantile(p),
        economics=economics,
    )
    return replace(
        template,
        order_units=quantity,
        safety_stock_pct=max(0.0, quantity / forecast.total_units - 1),
    )


def recommend(
    *,
    forecast: CategoryForecast,
    stores: Sequence[StoreProfile],
    assignments: Mapping[str, str],
    base_policy: SeasonPolicy,
    economics: Economics,
    demands: Sequence[Mapping[str, Sequence[int]]],
    template: PolicyChoice,
    workers: int = 1,
) -> tuple[PolicyChoice, dict[str, float]]:
    """The recommended policy, searched on `demands` (score it on other paths):

    1. at the newsvendor order, for each holdback, the cadence and markdown threshold of the
       grid with the most mean margin;
    2. for each of those, the order from the newsvendor quantity up by `ORDER_STEPS`; of all
       these and `template` (the plan) itself, the one with the most mean margin among those
       that, against the plan on the same paths at 95 % confidence (the mean difference plus
       1.645 standard errors, so the promise holds on paths the search has not seen), lose
       no more sales and earn more margin, and that earn at least the plan's P10 margin (a bad
       season no worse). When nothing beats the plan so, the plan is the recommendation: a
       gain within the paths' noise is no reason to change what the planner proposed.

    Returns the choice and each policy tried with its mean margin.
    """

    def run(choice: PolicyChoice) -> PolicyResult:
        return simulate(
            forecast=forecast,
            stores=stores,
            assignments=assignments,
            base_policy=base_policy,
            choice=choice,
            economics=economics,
            demands=demands,
            workers=workers,
        )

    ordered = replace(newsvendor_choice(forecast, economics, template), label="recommended")
    margins: dict[str, float] = {}
    shapes: dict[float, tuple[float, PolicyChoice]] = {}
    # Without a markdown checkpoint every threshold plays the same season.
    thresholds = THRESHOLDS if base_policy.markdown_checkpoint_week else (None,)
    for holdback in HOLDBACKS:
        for cadence in CADENCES:
            if (cadence == "none") != (holdback == 0):
                # Stock held at the DC with no replenishment never ships; with nothing held
                # there, a cadence has nothing to ship.
                continue
            for threshold in thresholds:
                choice = replace(
                    ordered, holdback_pct=holdback, strategy=cadence, markdown_threshold=threshold
                )
                margin = run(choice).summary("gross_margin").mean
                margins[describe(choice)] = margin
                if holdback not in shapes or margin > shapes[holdback][0] + 1e-9:
                    shapes[holdback] = (margin, choice)
    plan = run(template)
    plan_margin = plan.summary("gross_margin")
    margins[describe(template)] = plan_margin.mean
    found = (plan_margin.mean, replace(template, label="recommended"))
    for _, shape in shapes.values():
        for step in ORDER_STEPS:
            units = math.ceil(shape.order_units * (1 + step))
            choice = replace(
                shape,
                order_units=units,
                safety_stock_pct=max(0.0, units / forecast.total_units - 1),
            )
            result = run(choice)
            earned = result.summary("gross_margin")
            margins[describe(choice)] = earned.mean
            if beats_plan(result, plan) and earned.mean > found[0] + 1e-9:
                found = (earned.mean, choice)
    return found[1], margins


def beats_plan(candidate: PolicyResult, plan: PolicyResult) -> bool:
    """Whether `candidate` is better than `plan` on the same demand paths beyond their noise:
    at 95 % confidence it loses no more sales and earns more margin (each the mean of the
    paired differences plus 1.645 standard errors), its P10 margin is at least the plan's,
    and in the seasons that sell most (the top `HIGH_DEMAND_SHARE` of paths by demand) it
    loses no more sales than the plan: a smaller order must not pay for its margin with the
    seasons the interval did not expect."""
    extra_lost = _per_path(candidate, "lost_units") - _per_path(plan, "lost_units")
    margin_short = _per_path(plan, "gross_margin") - _per_path(candidate, "gross_margin")
    demand = _per_path(plan, "demand_units")
    high = np.argsort(-demand, kind="stable")[: max(1, round(HIGH_DEMAND_SHARE * len(demand)))]
    return (
        _upper_mean(extra_lost) <= 0
        and _upper_mean(margin_short) < 0
        and candidate.summary("gross_margin").p10 >= plan.summary("gross_margin").p10
        and extra_lost[high].sum() <= 0
    )


def _per_path(result: PolicyResult, metric: str) -> np.ndarray:
    return np.array([getattr(path, metric) for path in result.paths], dtype=float)


def _upper_mean(values: np.ndarray) -> float:
    """The one-sided 95 % upper bound of the mean (mean + 1.645 standard errors): a mean
    that is <= 0 by this is not so by chance."""
    if len(values) < 2:
        return float(values.mean())
    return float(values.mean() + UPPER_Z * values.std(ddof=1) / math.sqrt(len(values)))


@dataclass(frozen=True)
class Comparison:
    """The policies side by side (plan, push baseline, recommended, then the caller's
    choice), scored on fresh paths; `grid` holds the search's mean margin per policy tried."""

    results: tuple[PolicyResult, ...]
    grid: dict[str, float]
    paths: int
    seed: int


def compare(
    *,
    forecast: CategoryForecast,
    stores: Sequence[StoreProfile],
    assignments: Mapping[str, str],
    base_policy: SeasonPolicy,
    economics: Economics,
    proposed: PolicyChoice,
    last_year_units: Mapping[str, float],
    shares: Mapping[str, float],
    choice: PolicyChoice | None = None,
    paths: int = 500,
    search_paths: int = 40,
    seed: int = 1,
    workers: int = 1,
    share_spread: float = SHARE_CV,
) -> Comparison:
    """Searches the recommended policy on `search_paths` paths (seed `seed`), then scores
    every policy on `paths` other paths (seed `seed` + 1000); store shares spread by
    `share_spread` (`share_cv`) around `shares`."""
    search = demand_paths(forecast, shares, paths=search_paths, seed=seed, share_cv=share_spread)
    recommended, grid = recommend(
        forecast=forecast,
        stores=stores,
        assignments=assignments,
        base_policy=base_policy,
        economics=economics,
        demands=search,
        template=proposed,
        workers=workers,
    )
    push = push_choice(
        forecast, safety_stock_pct=proposed.safety_stock_pct, last_year_units=last_year_units
    )
    choices = [proposed, push, recommended, *([choice] if choice else [])]
    fresh = demand_paths(forecast, shares, paths=paths, seed=seed + 1000, share_cv=share_spread)
    results = tuple(
        simulate(
            forecast=forecast,
            stores=stores,
            assignments=assignments,
            base_policy=base_policy,
            choice=c,
            economics=economics,
            demands=fresh,
            workers=workers,
        )
        for c in choices
    )
    return Comparison(results=results, grid=grid, paths=paths, seed=seed)


def comparison_table(comparison: Comparison) -> list[dict[str, object]]:
    """The comparison as plain data: each policy with its decisions and each metric's P10,
    P50, P90 and mean (the margin's P10 is a bad season's), and its lost sales over the
    seasons of highest demand (`lost_units_high_demand`)."""
    table: list[dict[str, object]] = []
    for result in comparison.results:
        choice = result.choice
        table.append(
            {
                "label": choice.label,
                "description": describe(choice),
                "order_units": choice.order_units,
                "holdback_pct": choice.holdback_pct,
                "strategy": choice.strategy,
                "safety_stock_pct": round(choice.safety_stock_pct, 4),
                "markdown_threshold": choice.markdown_threshold,
                "metrics": {
                    **{metric: dataclasses.asdict(result.summary(metric)) for metric in METRICS},
                    "lost_units_high_demand": dataclasses.asdict(
                        result.summary("lost_units", result.high_demand_paths())
                    ),
                },
            }
        )
    return table


def describe(choice: PolicyChoice) -> str:
    threshold = (
        "no markdown"
        if choice.markdown_threshold is None
        else f"markdown < {choice.markdown_threshold:.0%}"
    )
    cadence = "no" if choice.strategy == "none" else choice.strategy
    return (
        f"order {choice.order_units:,}, holdback {choice.holdback_pct:.0%}, "
        f"{cadence} replenishment, {threshold}"
    )


def critical_ratio_text(economics: Economics) -> str:
    return (
        f"critical ratio (price - cost) / (price - salvage) = ({economics.price:.2f} - "
        f"{economics.unit_cost:.2f}) / ({economics.price:.2f} - {economics.salvage_value:.2f}) "
        f"= {critical_ratio(economics):.2f}"
    )
