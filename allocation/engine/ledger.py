"""One store-week of the inventory ledger. No Django imports.

opening + received + excess = sold + closing, always. Uploaded actuals are sales: a store that
reports more than it held sold `excess` units the ledger cannot account for (a receipt is
missing or a count is wrong) and is flagged. Scenario files in the replay and the simulator
are demand: sales = min(demand, stock) and the rest is `lost`.
"""

from __future__ import annotations

from typing import NamedTuple


class StoreWeek(NamedTuple):
    """A store's week (immutable; a named tuple because the simulator builds hundreds of
    thousands of them)."""

    store_id: str
    week_number: int
    opening: int
    received: int  # DC shipments and transfers in, less transfers out
    sold: int
    closing: int
    lost: int = 0  # demand the store could not serve (known only when demand is)
    excess: int = 0  # sales beyond the recorded stock

    @property
    def stockout(self) -> bool:
        """The store ended the week empty: its sales were capped by stock (censored)."""
        return self.closing == 0

    @property
    def flag(self) -> str:
        if not self.excess:
            return ""
        return (
            f"{self.store_id} sold {self.excess:,} more than it held in week {self.week_number} "
            "— check receipts"
        )


def store_week(
    *,
    store_id: str,
    week_number: int,
    opening: int,
    received: int,
    sales: int | None = None,
    demand: int | None = None,
) -> StoreWeek:
    """The week given either the reported `sales` or the `demand` to serve from stock."""
    if (sales is None) == (demand is None):
        raise ValueError("a store-week needs either sales or demand")
    available = opening + received
    if available < 0:
        raise ValueError(f"{store_id} week {week_number}: stock {available} is negative")
    if demand is not None:
        sold = min(max(demand, 0), available)
        return StoreWeek(
            store_id, week_number, opening, received, sold, available - sold, lost=demand - sold
        )
    sold = max(sales or 0, 0)
    excess = max(0, sold - available)
    return StoreWeek(
        store_id, week_number, opening, received, sold, available - sold + excess, excess=excess
    )
