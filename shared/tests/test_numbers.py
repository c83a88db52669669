"""Rounding rules."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.numbers import ceil_units, largest_remainder, round_half_up


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (2.5, 1, 3.0),
        (0.125, 0.01, 0.13),
        (0.6 - 0.55, 0.05, 0.05),
        (0.16, 0.05, 0.15),
        (0.175, 0.05, 0.2),
        (4320.0, 1, 4320.0),
        (-2.5, 1, -3.0),
    ],
)
def test_round_half_up(value: float, step: float, expected: float) -> None:
    assert round_half_up(value, step) == pytest.approx(expected)


def test_round_half_up_takes_numpy_floats() -> None:
    assert round_half_up(np.float64(2.5)) == 3.0
    assert round_half_up(np.float32(0.16), np.float64(0.05)) == pytest.approx(0.15)


def test_ceil_ignores_float_noise() -> None:
    assert 7000 * 1.1 > 7700  # the float product is 7700.000000000001
    assert ceil_units(7000 * 1.1) == 7700
    assert ceil_units(9600.2) == 9601


def test_largest_remainder_gives_leftovers_to_largest_fractions() -> None:
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(100, [0.555, 0.445]) == [56, 44]
    assert largest_remainder(5, [0, 0]) == [3, 2]
    assert largest_remainder(0, [1, 2]) == [0, 0]


def test_largest_remainder_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="negative total"):
        largest_remainder(-1, [1])
    with pytest.raises(ValueError, match="non-negative"):
        largest_remainder(3, [1, -1])


@given(
    total=st.integers(min_value=0, max_value=10**7),
    weights=st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=60),
)
def test_largest_remainder_conserves_units_and_stays_within_one_of_quota(
    total: int, weights: list[float]
) -> None:
    parts = largest_remainder(total, weights)

    assert sum(parts) == total
    assert all(part >= 0 for part in parts)
    weight_sum = sum(weights) or len(weights)
    effective = weights if sum(weights) else [1.0] * len(weights)
    for part, weight in zip(parts, effective, strict=True):
        assert abs(part - total * weight / weight_sum) < 1 + 1e-6
