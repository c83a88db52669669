"""What a unit of a category earns and costs: the values set on it, else derived from its
history and the planning shares. No Django imports.

Selling a unit earns price - cost; a unit left over loses cost - salvage
(the season sizes its order on the balance of the two).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.numbers import round_half_up


@dataclass(frozen=True)
class Economics:
    """Per unit of one category; `sources` says where each value came from (a setting, the
    admin, history revenue / units)."""

    price: float
    unit_cost: float
    salvage_value: float
    shipment_cost: float = 0.0
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.price > self.unit_cost:
            raise ValueError(
                f"price {self.price:.2f} must be above the unit cost {self.unit_cost:.2f}"
            )
        if not 0 <= self.salvage_value < self.unit_cost:
            raise ValueError(
                f"salvage value {self.salvage_value:.2f} must be below the unit cost "
                f"{self.unit_cost:.2f} (and not negative)"
            )
        if self.shipment_cost < 0:
            raise ValueError(f"shipment cost {self.shipment_cost:.2f} must not be negative")


def economics_with_defaults(
    *,
    price: float | None,
    unit_cost: float | None,
    salvage_value: float | None,
    shipment_cost: float,
    history_revenue: float | None,
    history_units: float,
    default_price: float,
    cost_share: float,
    salvage_share: float,
) -> Economics:
    """A category's economics: the values set for it, else price = history revenue / units
    (`default_price` without revenue), cost = `cost_share` of price, salvage = `salvage_share`
    of cost, each to the cent; `sources` names where each value came from."""
    sources: dict[str, str] = {}
    if price is not None:
        sources["price"] = "set for the category"
    elif history_revenue is not None and history_units > 0:
        price = cents(history_revenue / history_units)
        sources["price"] = "history revenue / units"
    else:
        price = default_price
        sources["price"] = "PLANNING_DEFAULT_PRICE (no revenue in history)"
    if unit_cost is not None:
        sources["unit_cost"] = "set for the category"
    else:
        unit_cost = cents(cost_share * price)
        sources["unit_cost"] = f"{cost_share:.0%} of price (PLANNING_COST_SHARE)"
    if salvage_value is not None:
        sources["salvage_value"] = "set for the category"
    else:
        salvage_value = cents(salvage_share * unit_cost)
        sources["salvage_value"] = f"{salvage_share:.0%} of cost (PLANNING_SALVAGE_SHARE)"
    sources["shipment_cost"] = "set for the category" if shipment_cost else "none set"
    return Economics(
        price=price,
        unit_cost=unit_cost,
        salvage_value=salvage_value,
        shipment_cost=shipment_cost,
        sources=sources,
    )


def cents(value: float) -> float:
    """Money to the cent, halves up, as every page shows it."""
    return round_half_up(value, 0.01)
