"""DC-to-store replenishment.

No Django imports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy.stats import gamma

from allocation.engine.types import ReplenishmentPlan, ShipmentLine
from shared.numbers import ceil_units

# A store keeps this many weeks of cover before it gives units to a store that ran short.
TRANSFER_KEEP_WEEKS = 4.0


def cadence_weeks(strategy: str, horizon_weeks: int) -> list[int]:
    """Weeks whose opening gets a replenishment: weekly 2..H, bi-weekly 2, 4, ...; none: none."""
    if strategy == "weekly":
        return list(range(2, horizon_weeks + 1))
    if strategy == "bi-weekly":
        return list(range(2, horizon_weeks + 1, 2))
    if strategy == "none":
        return []
    raise ValueError(f"unknown replenishment strategy {strategy!r}")


def period_weeks(strategy: str, week_number: int, horizon_weeks: int) -> int:
    """How many weeks a replenishment at `week_number` covers (to the next one, or season end)."""
    length = 2 if strategy == "bi-weekly" else 1
    return max(0, min(length, horizon_weeks - week_number + 1))


def order_up_to(
    expected_demand: Mapping[str, float], *, service_level: float, spread: float
) -> dict[str, int]:
    """Each store's order-up-to level: the `service_level` quantile of its demand until the
    next shipment arrives.

    A store's demand over the period has mean m (its share of the plan in force) and variance
    m + (spread x m)^2: count noise (Poisson) plus the relative spread of a store's week
    around its plan (`spread`, log scale). It is taken as gamma with that mean and variance
    (shape m^2 / variance, scale variance / m), the usual model of non-negative, right-skewed
    demand; the level is the quantile rounded up.
    """
    stores = list(expected_demand)
    means = np.array([max(expected_demand[s], 0.0) for s in stores])
    selling = means > 0
    m = means[selling]
    variance = m + (spread * m) ** 2
    quantiles = np.zeros(len(stores))
    quantiles[selling] = gamma.ppf(service_level, m**2 / variance, scale=variance / m)
    return {store: ceil_units(float(q)) for store, q in zip(stores, quantiles, strict=True)}


def rationed_targets(
    expected_demand: Mapping[str, float],
    on_hand: Mapping[str, int],
    *,
    units: int,
    service_level: float,
    spread: float,
) -> tuple[dict[str, int], float]:
    """(targets, level): order-up-to levels whose needs add up to at most `units`, every store
    at the same quantile `level` (at most `service_level`) of its demand until the next
    shipment.

    Rationing by expected lost margin: a unit on a store's shelf saves a sale (one margin)
    with the probability that demand exceeds the stock before it, P(D > stock). With one
    margin per unit, the split that leaves the least expected lost margin sends each next unit
    where that probability is highest, which ends with every store short at the same
    probability: the common quantile, found by bisection (30 halvings: 1e-9 in level).
    """
    stores = list(expected_demand)

    def needed(level: float) -> tuple[dict[str, int], int]:
        targets = order_up_to(expected_demand, service_level=level, spread=spread)
        return targets, sum(max(0, targets[s] - on_hand.get(s, 0)) for s in stores)

    targets, total = needed(service_level)
    if total <= units:
        return targets, service_level
    low, high = 0.0, service_level
    for _ in range(30):
        middle = (low + high) / 2
        if needed(middle)[1] <= units:
            low = middle
        else:
            high = middle
    return needed(low)[0], low


def plan_replenishment(
    *,
    week_number: int,
    period: int,
    expected_demand: Mapping[str, float],
    on_hand: Mapping[str, int],
    dc_available: int,
    safety_stock_pct: float,
    targets: Mapping[str, int] | None = None,
    allow_transfers: bool = False,
    requested: Mapping[str, int] | None = None,
) -> ReplenishmentPlan:
    """Shipments for the `period` weeks from `week_number`.

    need = max(0, target - on hand), the target each store's order-up-to level
    (`order_up_to`); without `targets` (the loop before order-up-to, kept to measure it),
    the target is ceil(expected demand over the period x (1 + safety stock)).
    The DC ships min(need, available); when it is short, stores with the fewest weeks of cover
    are filled first and the rest are flagged partial. With `allow_transfers`, stores still
    short then take units from stores holding more than four weeks of cover.

    A rationed proposal (`rationed_targets`; `requested`: the targets the stores would have had
    with stock to spare) ships its rationed `targets` and lists every store left below its
    requested target as partial.
    """
    stores = sorted(expected_demand)
    weekly = {s: expected_demand[s] / period if period else 0.0 for s in stores}

    def cover(store: str, units: int) -> float:
        return units / weekly[store] if weekly[store] > 0 else math.inf

    target = targets or {s: ceil_units(expected_demand[s] * (1 + safety_stock_pct)) for s in stores}
    need = {s: max(0, target.get(s, 0) - on_hand.get(s, 0)) for s in stores}
    order = sorted(stores, key=lambda s: (cover(s, on_hand.get(s, 0)), s))
    available = dc_available
    shipped: dict[str, int] = {}
    for store in order:
        shipped[store] = min(need[store], available)
        available -= shipped[store]
    if requested is not None:
        need = {s: max(need[s], requested.get(s, 0) - on_hand.get(s, 0)) for s in stores}
    lines = tuple(
        ShipmentLine(
            store_id=s,
            requested_units=need[s],
            units=shipped[s],
            is_partial=shipped[s] < need[s],
            weeks_of_cover=cover(s, on_hand.get(s, 0)),
        )
        for s in stores
        if need[s] > 0
    )

    transfers: list[ShipmentLine] = []
    if allow_transfers:
        after = {s: on_hand.get(s, 0) + shipped[s] for s in stores}
        for store in order:
            short = need[store] - shipped[store]
            donors = sorted(
                (d for d in stores if d != store and cover(d, after[d]) > TRANSFER_KEEP_WEEKS),
                key=lambda d: (-cover(d, after[d]), d),
            )
            for donor in donors:
                if short <= 0:
                    break
                spare = after[donor] - math.ceil(TRANSFER_KEEP_WEEKS * weekly[donor])
                units = min(short, max(0, spare))
                if units:
                    transfers.append(
                        ShipmentLine(
                            store_id=store,
                            requested_units=units,
                            units=units,
                            is_partial=False,
                            weeks_of_cover=cover(store, after[store]),
                            from_store=donor,
                        )
                    )
                    after[donor] -= units
                    after[store] += units
                    short -= units

    short_stores = [line for line in lines if line.is_partial]
    if requested is not None:
        left_short = sum(line.requested_units - line.units for line in short_stores)
        note = (
            f"Rationed: {len(short_stores)} store(s) left {left_short:,} units short of their "
            "targets, each at the same risk of selling out"
            if short_stores
            else ""
        )
    else:
        note = (
            f"DC short: {len(short_stores)} store(s) partly served, fewest weeks of cover first"
            if short_stores
            else ""
        )
    return ReplenishmentPlan(
        week_number=week_number,
        period_weeks=period,
        dc_available_before=dc_available,
        dc_available_after=available,
        lines=lines,
        transfers=tuple(transfers),
        note=note,
        rationed=requested is not None and bool(short_stores),
    )


def replenishment_words(strategy: str) -> str:
    """'weekly' -> 'weekly replenishment'; 'none' -> 'no replenishment'."""
    return "no replenishment" if strategy == "none" else f"{strategy} replenishment"
