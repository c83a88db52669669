"""Members guarded against outages, keeping event weeks, and intervals that hold."""

import datetime as dt

import numpy as np
import pytest

from forecasting.engine.ensemble import forecast_category
from forecasting.engine.members import (
    arima_forecast,
    autoarima_forecast,
    autoarima_order,
    guard_outages,
    prepared,
    seasonal_naive_forecast,
)
from forecasting.engine.types import Season

START = dt.date(2021, 1, 4)  # a Monday


def _weekly_history(units: np.ndarray) -> dict[dt.date, float]:
    """Weekly rows (one dated row per week) starting `START`."""
    return {START + dt.timedelta(weeks=i): float(u) for i, u in enumerate(units)}


def _seasonal(weeks: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    week = np.arange(weeks)
    rng = np.random.default_rng(seed)
    level = 1000 * (1 + 0.05 * week / 52) * (1 + 0.3 * np.sin(2 * np.pi * week / 52))
    return level * np.exp(rng.normal(0, noise, weeks)) if noise else level


def test_guard_fills_an_outage_and_leaves_normal_weeks_alone() -> None:
    units = np.full(30, 500.0)
    units[10:14] = 0.0
    units[20] = 400.0  # a weak week, not an outage

    guarded = guard_outages(units)

    assert guarded[10:14].tolist() == [500.0] * 4
    assert guarded[20] == 400.0
    assert guard_outages(np.array([3.0, 0.0, 2.0, 4.0])).tolist() == [3.0, 0.0, 2.0, 4.0]


def test_four_zero_weeks_last_year_move_the_season_by_under_10_percent() -> None:
    units = _seasonal(156, noise=0.05)
    season = Season(START + dt.timedelta(weeks=156), 12)
    closed = units.copy()
    closed[104 + 2 : 104 + 6] = 0.0  # a store closed in weeks 3-6 of last year's season

    clean = forecast_category(_weekly_history(units), season).total_units
    with_outage = forecast_category(_weekly_history(closed), season).total_units

    assert abs(with_outage / clean - 1) < 0.10


def test_a_holiday_spike_stays_in_its_week() -> None:
    units = _seasonal(156, noise=0.03)
    spike_weeks = [47, 47 + 52, 47 + 104]  # the same week every year
    units[spike_weeks] *= 1.8
    season = Season(START + dt.timedelta(weeks=156 + 40), 12)  # weeks 41..52 of the year

    forecast = forecast_category(_weekly_history(units), season)

    # Week 47 of the cycle is season week 8; the forecast keeps the spike there.
    assert forecast.peak_week == 8
    others = [w.units for w in forecast.weeks if w.week_number != 8]
    assert forecast.weeks[7].units > 1.4 * max(others)


@pytest.mark.parametrize("noise", [0.05, 0.15])
def test_intervals_cover_about_their_level_on_series_with_known_noise(noise: float) -> None:
    inside_80, inside_95 = [], []
    for seed in range(12):
        units = _seasonal(170, noise=noise, seed=seed)
        season = Season(START + dt.timedelta(weeks=158), 12)
        forecast = forecast_category(_weekly_history(units[:158]), season)
        for week, actual in zip(forecast.weeks, units[158:], strict=True):
            inside_80.append(week.lower_80 <= actual <= week.upper_80)
            inside_95.append(week.lower_95 <= actual <= week.upper_95)

    assert 0.70 <= np.mean(inside_80) <= 0.92
    assert 0.88 <= np.mean(inside_95) <= 1.0


def test_arima_averages_last_years_when_each_year_is_the_pattern_plus_noise() -> None:
    # Every year is the same pattern with independent weekly noise: last year alone carries
    # one year's noise, the seasonal moving average of the ARIMA member averages it away.
    pattern = _seasonal(52)
    errors_arima, errors_naive = [], []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        units = np.tile(pattern, 5) * np.exp(rng.normal(0, 0.15, 5 * 52))
        arima = arima_forecast(units, 12)
        naive = seasonal_naive_forecast(units, 12)
        assert arima is not None and naive is not None
        errors_arima.append(np.abs(arima - pattern[:12]).sum())
        errors_naive.append(np.abs(naive - pattern[:12]).sum())

    assert sum(errors_arima) < 0.7 * sum(errors_naive)


@pytest.mark.parametrize("weeks", [65, 80, 104])
def test_arima_on_under_two_years_of_changes_follows_last_year(weeks: int) -> None:
    week = np.arange(weeks)
    units = 1000 * (1 + 0.3 * np.sin(2 * np.pi * week / 52))
    units[52:] *= 1.1  # 10 % growth: too few years to estimate a seasonal average

    arima = arima_forecast(units, 12)

    assert arima is not None
    assert np.allclose(arima, units[weeks - 52 : weeks - 40] * 1.1, rtol=0.02)


def test_autoarima_forecasts_the_seasonal_pattern_with_its_growth() -> None:
    units = _seasonal(220, noise=0.03)

    path = autoarima_forecast(units[:208], 12)

    truth = _seasonal(220)[208:]
    assert path is not None
    assert np.abs(path - truth).sum() / truth.sum() < 0.05


def test_autoarima_keeps_the_order_chosen_on_the_whole_history_at_backtest_origins() -> None:
    units = _seasonal(208, noise=0.05, seed=1)
    order = autoarima_order(units)
    assert order is not None and order.seasonal_order[1] == 1  # always a seasonal difference
    before_origin = units[:180]
    assert autoarima_order(before_origin) != order  # a search at the origin would differ

    at_origin = prepared(units)["sarima"](before_origin, 12)

    assert at_origin is not None
    assert np.array_equal(at_origin, autoarima_forecast(before_origin, 12, order=order))
    assert not np.allclose(at_origin, autoarima_forecast(before_origin, 12))


def test_autoarima_needs_two_years_and_a_quarter() -> None:
    units = _seasonal(116)

    assert autoarima_order(units) is None
    assert autoarima_forecast(units, 12) is None
    assert prepared(units)["sarima"](units, 12) is None
