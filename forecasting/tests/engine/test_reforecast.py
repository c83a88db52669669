"""Bayesian re-forecast."""

import datetime as dt

import pytest

from forecasting.engine.reforecast import apply_lift, reforecast_curve, update_level
from forecasting.engine.types import ForecastWeek

PLAN = [1000.0] * 12


def _weeks() -> tuple[ForecastWeek, ...]:
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


def test_tracks_a_steady_30_percent_shortfall_within_10_percent_after_four_weeks() -> None:
    update = update_level(plan=PLAN, actuals=[700] * 4, prior_sd=0.03, noise_sd=0.02)

    assert update.adjustment_factor == pytest.approx(0.70, rel=0.10)
    assert update.likelihood_weight > 0.9


def test_does_not_over_react_to_a_single_30_percent_spike() -> None:
    update = update_level(
        plan=PLAN, actuals=[1000, 1000, 1000, 1000, 1300], prior_sd=0.03, noise_sd=0.02
    )

    assert 1.0 < update.adjustment_factor < 1.07


def test_prior_and_likelihood_weights_sum_to_one_and_data_gains_weight() -> None:
    one = update_level(plan=PLAN, actuals=[800], prior_sd=0.15, noise_sd=0.08)
    four = update_level(plan=PLAN, actuals=[800] * 4, prior_sd=0.15, noise_sd=0.08)

    assert one.prior_weight + one.likelihood_weight == pytest.approx(1.0)
    assert 0 < one.likelihood_weight < four.likelihood_weight < 1
    assert four.posterior_sd < one.posterior_sd


def test_without_drift_it_is_the_textbook_conjugate_update() -> None:
    update = update_level(
        plan=[100.0] * 3, actuals=[90.0, 90.0], prior_sd=0.2, noise_sd=0.1, drift_sd=0.0
    )

    import math

    y = math.log1p(90) - math.log1p(100)
    precision = 1 / 0.2**2 + 2 / 0.1**2
    assert update.posterior_mean == pytest.approx((2 * y / 0.1**2) / precision)
    assert update.likelihood_weight == pytest.approx((2 / 0.1**2) / precision)


def test_new_curve_has_actuals_then_scaled_weeks_with_narrowing_intervals() -> None:
    early = update_level(plan=PLAN, actuals=[700] * 2, prior_sd=0.1, noise_sd=0.05)
    late = update_level(plan=PLAN, actuals=[700] * 6, prior_sd=0.1, noise_sd=0.05)

    early_curve = reforecast_curve(plan_weeks=_weeks(), actuals=[700] * 2, update=early)
    late_curve = reforecast_curve(plan_weeks=_weeks(), actuals=[700] * 6, update=late)

    assert [w.units for w in early_curve[:2]] == [700.0, 700.0]
    assert early_curve[0].is_actual and not early_curve[2].is_actual
    assert early_curve[2].units == pytest.approx(1000 * early.adjustment_factor)

    def width(week):
        return (week.upper_95 - week.lower_95) / week.units

    assert width(late_curve[11]) < width(early_curve[11])


def test_markdown_lift_scales_only_the_weeks_after_it() -> None:
    lifted = apply_lift(_weeks(), from_week=7, lift=0.15)

    assert [w.units for w in lifted[5:8]] == [1000.0, pytest.approx(1150.0), pytest.approx(1150.0)]
