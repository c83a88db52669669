"""Manufacturing quantity and the initial allocation (SPEC.md section 7.3). No Django imports.

manufacturing_qty = ceil(total forecast x (1 + safety stock)); DC holdback =
round(qty x holdback %); stores get the rest, split cluster by cluster, then store by store,
every split conserving units exactly (largest remainder).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from allocation.engine.types import AllocationPlan, ClusterLine, StoreLine, StoreProfile
from planner.engine.numbers import ceil_units, largest_remainder, round_half_up

SAFETY_STOCK_RANGE = (0.10, 0.30)
HISTORY_WEIGHT = 0.7  # within a cluster: the store's share of the cluster's category history
ATTRIBUTE_WEIGHT = 0.3  # ... and its share of the attribute score
TIER_POINTS = {"A": 3, "B": 2, "C": 1}
FLOOR_WEEKS = 2


def attribute_scores(stores: Sequence[StoreProfile]) -> dict[str, float]:
    """0.5 x size/mean size + 0.3 x income/mean income + 0.2 x location tier/3 (A=3, B=2, C=1).

    Means are over the stores that have the attribute; a missing attribute scores neutral
    (1.0 for the ratios, 2/3 for the tier).
    """

    def mean(values: list[float | None]) -> float:
        present = [v for v in values if v is not None and v > 0]
        return sum(present) / len(present) if present else 1.0

    mean_size = mean([s.size_sqft for s in stores])
    mean_income = mean([s.median_income for s in stores])
    scores = {}
    for store in stores:
        size = store.size_sqft / mean_size if store.size_sqft else 1.0
        income = store.median_income / mean_income if store.median_income else 1.0
        tier = TIER_POINTS.get(store.location_tier or "", 2) / 3
        scores[store.store_id] = 0.5 * size + 0.3 * income + 0.2 * tier
    return scores


def store_shares(
    stores: Sequence[StoreProfile], assignments: Mapping[str, str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Cluster shares (of the category's history) and each store's share of the season.

    A store's season share = its cluster's share x its share within the cluster, where the
    share within = 0.7 x history share + 0.3 x attribute-score share. A category with no
    history yet shares by store count and attribute score alone.
    """
    scores = attribute_scores(stores)
    clusters = sorted(set(assignments[s.store_id] for s in stores))
    members = {c: [s for s in stores if assignments[s.store_id] == c] for c in clusters}
    history = {c: sum(s.category_units for s in members[c]) for c in clusters}
    total_history = sum(history.values())
    if total_history > 0:
        cluster_share = {c: history[c] / total_history for c in clusters}
    else:
        cluster_share = {c: len(members[c]) / len(stores) for c in clusters}

    share: dict[str, float] = {}
    for cluster in clusters:
        score_sum = sum(scores[s.store_id] for s in members[cluster])
        for store in members[cluster]:
            history_share = (
                store.category_units / history[cluster]
                if history[cluster] > 0
                else 1 / len(members[cluster])
            )
            score_share = scores[store.store_id] / score_sum
            within = HISTORY_WEIGHT * history_share + ATTRIBUTE_WEIGHT * score_share
            share[store.store_id] = cluster_share[cluster] * within
    return cluster_share, share


def order_split(
    total_forecast: float, safety_stock_pct: float, dc_holdback_pct: float
) -> tuple[int, int, int]:
    """(manufacturing quantity, DC holdback, store units) of SPEC.md section 7.3: the one place
    they are computed, for the order, its reasoning text and the page's live preview."""
    quantity = ceil_units(total_forecast * (1 + safety_stock_pct))
    holdback = int(round_half_up(quantity * dc_holdback_pct))
    return quantity, holdback, quantity - holdback


def plan_allocation(
    *,
    weekly_forecast: Sequence[float],
    stores: Sequence[StoreProfile],
    assignments: Mapping[str, str],
    safety_stock_pct: float,
    dc_holdback_pct: float,
) -> AllocationPlan:
    """The manufacturing quantity, DC holdback, and cluster and store initial units.

    Within each cluster every store first gets a floor of two weeks of its expected demand
    (weeks 1-2 x its season share) when the cluster's units allow, then the rest by share;
    when they do not, the cluster's units are split by the floors.
    """
    low, high = SAFETY_STOCK_RANGE
    if not low <= safety_stock_pct <= high:
        raise ValueError(f"safety stock must be {low:.0%}-{high:.0%}, got {safety_stock_pct:.1%}")
    if not 0.0 <= dc_holdback_pct <= 1.0:
        raise ValueError(f"DC holdback must be 0-100 %, got {dc_holdback_pct:.1%}")
    if not stores:
        raise ValueError("allocation needs at least one store")
    total = math.fsum(weekly_forecast)
    quantity, holdback, store_units = order_split(total, safety_stock_pct, dc_holdback_pct)

    cluster_share, share = store_shares(stores, assignments)
    clusters = sorted(cluster_share)
    cluster_units = dict(
        zip(
            clusters,
            largest_remainder(store_units, [cluster_share[c] for c in clusters]),
            strict=True,
        )
    )
    first_two_weeks = math.fsum(weekly_forecast[:FLOOR_WEEKS])
    floors_applied = True
    lines: list[StoreLine] = []
    for cluster in clusters:
        members = [s.store_id for s in stores if assignments[s.store_id] == cluster]
        weights = [share[m] for m in members]
        floors = [int(round_half_up(first_two_weeks * w)) for w in weights]
        if sum(floors) <= cluster_units[cluster]:
            rest = largest_remainder(cluster_units[cluster] - sum(floors), weights)
            units = [f + r for f, r in zip(floors, rest, strict=True)]
        else:
            floors_applied = False
            units = largest_remainder(cluster_units[cluster], floors)
        lines.extend(
            StoreLine(
                store_id=m, cluster=cluster, season_share=share[m], floor_units=f, initial_units=u
            )
            for m, f, u in zip(members, floors, units, strict=True)
        )
    lines.sort(key=lambda line: line.store_id)
    return AllocationPlan(
        total_forecast=total,
        safety_stock_pct=safety_stock_pct,
        manufacturing_qty=quantity,
        dc_holdback_pct=dc_holdback_pct,
        dc_holdback_units=holdback,
        store_initial_units=store_units,
        floors_applied=floors_applied,
        clusters=tuple(
            ClusterLine(cluster=c, share=cluster_share[c], initial_units=cluster_units[c])
            for c in clusters
        ),
        stores=tuple(lines),
    )
