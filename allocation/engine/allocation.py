"""Manufacturing quantity and the initial allocation. No Django imports.

manufacturing_qty = ceil(total forecast x (1 + safety stock)); DC holdback =
round(qty x holdback %); stores get the rest, split cluster by cluster, then store by store,
every split conserving units exactly (largest remainder).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from allocation.engine.types import AllocationPlan, ClusterLine, StoreLine, StoreProfile
from shared.numbers import ceil_units, largest_remainder, round_half_up

SAFETY_STOCK_RANGE = (0.10, 0.30)
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
    """Cluster shares and each store's share of the season.

    A store with recent sales of the category (`category_units`, from the window
    allocation.engine.shares chose) gets its share of them. A store without (a new store)
    gets its cluster's per-store average share (the chain's when its cluster has no store
    with sales), and the shares are rescaled to sum to 1. Clusters group stores; they do not
    pull a store with history toward their average. A category with no sales yet shares by
    attribute score.
    """
    total = math.fsum(s.category_units for s in stores)
    if total <= 0:
        scores = attribute_scores(stores)
        score_sum = math.fsum(scores.values())
        share = {s.store_id: scores[s.store_id] / score_sum for s in stores}
    else:
        known = {s.store_id: s.category_units / total for s in stores if s.category_units > 0}
        chain_average = 1.0 / len(known)
        raw = {}
        for store in stores:
            if store.store_id in known:
                raw[store.store_id] = known[store.store_id]
                continue
            cluster = assignments[store.store_id]
            peers = [
                known[s.store_id]
                for s in stores
                if assignments[s.store_id] == cluster and s.store_id in known
            ]
            raw[store.store_id] = math.fsum(peers) / len(peers) if peers else chain_average
        raw_sum = math.fsum(raw.values())
        share = {store_id: value / raw_sum for store_id, value in raw.items()}
    clusters = sorted(set(assignments[s.store_id] for s in stores))
    cluster_share = {
        c: math.fsum(share[s.store_id] for s in stores if assignments[s.store_id] == c)
        for c in clusters
    }
    return cluster_share, share


def order_split(
    total_forecast: float, safety_stock_pct: float, dc_holdback_pct: float
) -> tuple[int, int, int]:
    """(manufacturing quantity, DC holdback, store units): the one place
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
    quantity: int | None = None,
) -> AllocationPlan:
    """The manufacturing quantity, DC holdback, and cluster and store initial units.

    Within each cluster every store first gets a floor of two weeks of its expected demand
    (weeks 1-2 x its season share) when the cluster's units allow, then the rest by share;
    when they do not, the cluster's units are split by the floors. A given `quantity` (a
    what-if's order, e.g. the newsvendor's) replaces forecast x (1 + safety stock).
    """
    low, high = SAFETY_STOCK_RANGE
    if quantity is None and not low <= safety_stock_pct <= high:
        raise ValueError(f"safety stock must be {low:.0%}-{high:.0%}, got {safety_stock_pct:.1%}")
    if quantity is not None and quantity < 0:
        raise ValueError(f"the order quantity must not be negative, got {quantity}")
    if not 0.0 <= dc_holdback_pct <= 1.0:
        raise ValueError(f"DC holdback must be 0-100 %, got {dc_holdback_pct:.1%}")
    if not stores:
        raise ValueError("allocation needs at least one store")
    total = math.fsum(weekly_forecast)
    if quantity is None:
        quantity, holdback, store_units = order_split(total, safety_stock_pct, dc_holdback_pct)
    else:
        holdback = int(round_half_up(quantity * dc_holdback_pct))
        store_units = quantity - holdback

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
