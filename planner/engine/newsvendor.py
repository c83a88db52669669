"""The order quantity that balances what a lost sale and a leftover cost. No Django imports.

Selling a unit earns price - cost; a unit left over loses cost - salvage. The newsvendor
orders up to the demand quantile at the critical ratio (price - cost) / (price - salvage):
the more a lost sale costs against a leftover, the further above the mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from shared.economics import Economics


def critical_ratio(economics: Economics) -> float:
    """(price - cost) / (price - salvage): the share of demand outcomes the order should cover."""
    return (economics.price - economics.unit_cost) / (economics.price - economics.salvage_value)


def newsvendor_quantity(*, demand_quantile: Callable[[float], float], economics: Economics) -> int:
    """The order that maximises expected margin: season demand's quantile at the critical
    ratio (`demand_quantile(p)` gives units), in whole units rounded up."""
    quantile = demand_quantile(critical_ratio(economics))
    return max(0, math.ceil(round(quantile, 6)))
