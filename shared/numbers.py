"""Rounding rules, shared by every engine. No Django imports."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, step: float = 1.0) -> float:
    """Rounds to a multiple of `step`, halves away from zero (0.125 -> 0.13, 2.5 -> 3).

    Goes through the decimal string of `value`, so float noise such as 0.1 * 3 = 0.30000000000000004
    or 0.6 - 0.55 = 0.04999999999999993 rounds as a person would expect.
    """
    # float() first: numpy 2 floats repr as "np.float64(...)", which Decimal cannot read.
    exact_step = Decimal(repr(float(step)))
    quotient = Decimal(repr(float(round(value, 10)))) / exact_step
    steps = quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(steps * exact_step)


def ceil_units(value: float) -> int:
    """ceil() of a unit quantity, ignoring float noise below 1e-6 (8000 x 1.2 = 9600, not 9601)."""
    return math.ceil(round(value, 6))


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Splits `total` whole units in proportion to `weights`, conserving them exactly.

    Each part gets the floor of its quota; the units left go one each to the largest
    fractional remainders (ties to the earlier index, so the split is deterministic).
    All-zero weights split equally.
    """
    if total < 0:
        raise ValueError(f"cannot split a negative total ({total})")
    if not weights:
        if total:
            raise ValueError(f"cannot split {total} units over no parts")
        return []
    if any(weight < 0 or math.isnan(weight) for weight in weights):
        raise ValueError("weights must be non-negative numbers")
    weight_sum = math.fsum(weights)
    if weight_sum == 0:
        weights = [1.0] * len(weights)
        weight_sum = float(len(weights))
    quotas = [total * weight / weight_sum for weight in weights]
    parts = [math.floor(quota) for quota in quotas]
    left = total - sum(parts)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for index in by_remainder[:left]:
        parts[index] += 1
    return parts
