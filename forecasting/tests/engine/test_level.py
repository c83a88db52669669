"""The weekly level update: follows steady evidence, holds against one
odd week, never reads a censored week as weak demand."""

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasting.engine.level import (
    LevelObservation,
    apply_lift,
    estimate_level,
    level_curve,
    observation,
)
from forecasting.engine.types import ForecastWeek

# The sample categories' backtests: level error about 1 %, weekly error 3-8 %.
SD = {"prior_sd": 0.01, "noise_sd": 0.03}


def _factor(ratios: list[float], **sd: float) -> float:
    observations = [observation(1000 * r, 1000) for r in ratios]
    return estimate_level(observations, **(sd or SD)).adjustment_factor


@pytest.mark.parametrize("noise_sd", [0.02, 0.08, 0.15, 0.3])
def test_tracks_a_steady_30_percent_shortfall_within_10_percent_after_four_weeks(
    noise_sd: float,
) -> None:
    factor = _factor([0.7] * 4, prior_sd=0.01, noise_sd=noise_sd)

    assert factor == pytest.approx(0.70, rel=0.10)


@pytest.mark.parametrize("ratio", [1.3, 0.7])
@pytest.mark.parametrize("before", [0, 1, 4, 8])
def test_a_single_30_percent_week_moves_the_plan_by_at_most_a_third_of_it(
    ratio: float, before: int
) -> None:
    factor = _factor([1.0] * before + [ratio])

    assert abs(factor - 1) <= abs(ratio - 1) / 3


def test_two_weeks_in_one_direction_move_the_plan_more_than_one() -> None:
    assert _factor([1.3, 1.3]) > _factor([1.3]) + 0.05


def test_on_plan_weeks_keep_the_plan() -> None:
    assert _factor([1.0] * 6) == pytest.approx(1.0)


def test_a_censored_week_below_the_estimate_says_nothing() -> None:
    observed = [observation(1200, 1000)] * 3
    censored = LevelObservation(math.log(0.5), lower_bound=True)

    with_censored = estimate_level([*observed, censored], **SD)
    without = estimate_level(observed, **SD)

    assert with_censored.posterior_mean == pytest.approx(without.posterior_mean, rel=0.2)
    assert with_censored.adjustment_factor > 1.1


def test_a_censored_week_above_the_estimate_raises_it() -> None:
    observed = [observation(1000, 1000)] * 3
    censored = LevelObservation(math.log(1.3), lower_bound=True)

    assert estimate_level([*observed, censored], **SD).adjustment_factor > 1.0


@given(st.lists(st.floats(0.2, 3.0), min_size=1, max_size=12))
def test_the_level_stays_within_the_evidence(ratios: list[float]) -> None:
    factor = _factor(ratios)

    assert min(min(ratios), 1.0) - 1e-9 <= factor <= max(max(ratios), 1.0) + 1e-9


def test_the_curve_keeps_actuals_and_scales_the_rest_with_widening_bounds() -> None:
    weeks = tuple(
        ForecastWeek(n, dt.date(2025, 2, 17) + dt.timedelta(weeks=n - 1), 100, 90, 110, 80, 120)
        for n in range(1, 5)
    )
    level = estimate_level([observation(80, 100)] * 2, **SD)

    curve = level_curve(plan_weeks=weeks, actuals=[80, 81], level=level)

    assert [w.units for w in curve[:2]] == [80, 81] and curve[0].is_actual
    assert curve[2].units == pytest.approx(100 * level.adjustment_factor)
    assert curve[2].lower_95 < curve[2].lower_80 < curve[2].units < curve[2].upper_80


def test_three_weeks_at_a_tenth_of_plan_move_the_plan_to_them() -> None:
    factor = _factor([1.0, 0.1, 0.1, 0.1])

    assert factor == pytest.approx(0.1, rel=0.15)


@pytest.mark.parametrize("ratio", [0.5, 1.5])
def test_two_weeks_beyond_the_band_in_one_direction_are_a_new_level(ratio: float) -> None:
    level = estimate_level([observation(1000 * r, 1000) for r in [1.0] * 5 + [ratio] * 2], **SD)

    assert level.shifts == (5,)
    assert level.adjustment_factor == pytest.approx(ratio, rel=0.05)


def test_a_new_level_carries_the_shock_s_uncertainty_forward() -> None:
    steady = estimate_level([observation(1000, 1000)] * 7, **SD)
    shifted = estimate_level([observation(1000, 1000)] * 5 + [observation(500, 1000)] * 2, **SD)

    assert shifted.posterior_sd > 2 * steady.posterior_sd


def test_weeks_beyond_the_band_in_both_directions_are_outliers() -> None:
    level = estimate_level([observation(1000 * r, 1000) for r in [1.0] * 5 + [1.5, 0.6]], **SD)

    assert level.shifts == ()
    assert abs(level.adjustment_factor - 1) < 0.1


def test_a_markdown_that_did_nothing_leaves_the_plan_within_two_weeks() -> None:
    # Weeks 4-5 were planned with a +45 % lift; customers bought as before.
    observed = [observation(1000, 1000)] * 3 + [observation(1000, 1450)] * 2

    level = estimate_level(observed, breaks=(3,), **SD)

    assert level.segment_start == 3 and level.markdown_segment
    assert 1450 * level.adjustment_factor == pytest.approx(1000, rel=0.05)
    assert level.realised_lift(0.45) == pytest.approx(0.0, abs=0.05)
    # The season's full-price demand is still on plan: the miss was the lift's.
    assert level.demand_factor == pytest.approx(1.0, abs=0.02)


def test_a_markdown_that_lifted_as_expected_keeps_the_plan() -> None:
    observed = [observation(1000, 1000)] * 3 + [observation(1450, 1450)] * 2

    assert estimate_level(observed, breaks=(3,), **SD).adjustment_factor == pytest.approx(1.0)


def _plan_weeks() -> tuple[ForecastWeek, ...]:
    return tuple(
        ForecastWeek(
            n,
            dt.date(2025, 2, 17) + dt.timedelta(weeks=n - 1),
            1000.0,
            800.0,
            1200.0,
            700.0,
            1300.0,
        )
        for n in range(1, 13)
    )


def test_markdown_lift_scales_only_the_weeks_after_it() -> None:
    lifted = apply_lift(_plan_weeks(), from_week=7, lift=0.15)

    assert [w.units for w in lifted[5:8]] == [1000.0, pytest.approx(1150.0), pytest.approx(1150.0)]
