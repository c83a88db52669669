"""The ensemble forecast."""

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from forecasting.engine.ensemble import forecast_category, inverse_error_weights
from forecasting.engine.members import seasonal_naive_forecast
from forecasting.engine.types import ForecastError, Season
from planner.data.sample_data import CATEGORIES, expected_daily_units


def _history(category_index: int, start: str, end: str) -> dict[dt.date, float]:
    """Noise-free daily units of a sample category for a chain of 50 average stores."""
    days = pd.date_range(start, end, freq="D")
    units = expected_daily_units(CATEGORIES[category_index], days, np.ones(50)).sum(axis=1)
    return {day.date(): float(u) for day, u in zip(days, units, strict=True)}


@pytest.fixture(scope="module")
def november_forecast():
    accessories = _history(2, "2021-01-04", "2024-10-31")
    return forecast_category(
        accessories, Season(dt.date(2024, 11, 4), 8), category_name="Accessories"
    )


def test_a_november_season_shows_the_holiday_peak_in_every_member(november_forecast) -> None:
    weeks = november_forecast.weeks
    # Week 7 (16-22 Dec) holds most of 18-24 Dec (+100 %); week 1 is early November.
    assert november_forecast.peak_week in (7, 8)
    assert set(november_forecast.weights) == {"arima", "sarima", "mstl", "ratio"}
    for member in november_forecast.weights:
        curve = [w.members[member] for w in weeks]
        assert max(curve[5:]) > 1.3 * curve[0], member


def test_forecast_reports_weights_backtest_and_widening_intervals(november_forecast) -> None:
    f = november_forecast
    assert sum(f.weights.values()) == pytest.approx(1.0)
    # 199 weeks of history: of the newest twelve origins (eight weeks apart, 12 weeks before
    # the end), nine have the 117 weeks AutoARIMA needs before them.
    assert "inverse squared backtest WAPE over 9 origins" in f.weighting_note
    assert f.backtest is not None and len(f.backtest.origins) == 9
    assert 0 <= f.backtest.ensemble_wape < 0.25
    for week in f.weeks:
        assert 0 <= week.lower_95 <= week.lower_80 <= week.units <= week.upper_80 <= week.upper_95
        assert week.units == pytest.approx(
            sum(weight * week.members[name] for name, weight in f.weights.items())
        )
    relative = [(w.upper_80 - w.lower_80) / w.units for w in f.weeks]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(relative))  # never narrower
    assert f.total_units == pytest.approx(sum(w.units for w in f.weeks))
    assert [w.week_start for w in f.weeks][:2] == [dt.date(2024, 11, 4), dt.date(2024, 11, 11)]


def test_the_same_input_gives_the_same_forecast(november_forecast) -> None:
    again = forecast_category(
        _history(2, "2021-01-04", "2024-10-31"), Season(dt.date(2024, 11, 4), 8)
    )

    assert again.curve == november_forecast.curve


def test_every_member_forecasts_the_same_weeks_from_the_end_of_history() -> None:
    calls: dict[str, list[tuple[int, int]]] = {}

    def recorder(name: str):
        def forecast(units: np.ndarray, steps: int) -> np.ndarray:
            calls.setdefault(name, []).append((len(units), steps))
            return np.arange(1, steps + 1, dtype=float)  # value = weeks after history

        return forecast

    history = _history(0, "2023-01-02", "2024-12-31")  # ends Tuesday 31 December
    season = Season(dt.date(2025, 2, 17), 12)

    result = forecast_category(
        history, season, member_fns={"one": recorder("one"), "two": recorder("two")}
    )

    # 104 complete Monday weeks through 23-29 Dec: 7 weeks to the season, then 12 season
    # weeks. The first call is the forecast; the backtest's calls come after it.
    assert calls["one"][0] == calls["two"][0] == (104, 19)
    assert [w.members["one"] for w in result.weeks] == list(range(8, 20))
    assert [w.members["two"] for w in result.weeks] == list(range(8, 20))


def test_short_history_is_a_clear_error() -> None:
    history = _history(0, "2024-03-04", "2024-12-31")

    with pytest.raises(ForecastError) as caught:
        forecast_category(history, Season(dt.date(2025, 2, 17), 12), category_name="Dresses")

    assert str(caught.value) == (
        "Dresses has 43 complete weeks of sales history before 2025-02-17; "
        "forecasting needs at least 52."
    )


def test_too_little_history_for_a_backtest_means_equal_weights() -> None:
    history = _history(1, "2023-11-06", "2024-12-31")

    result = forecast_category(history, Season(dt.date(2025, 1, 6), 8))

    # 60 weeks: ARIMA needs 65 and MSTL 104; no backtest origin has a year before it.
    assert result.weights == {"ratio": 1.0}
    assert result.backtest is None
    assert result.weighting_note == (
        "equal weights (Last year x trend): too little history for a backtest"
    )


def test_inverse_error_weights() -> None:
    assert inverse_error_weights({"a": 0.1, "b": 0.3}) == pytest.approx({"a": 0.9, "b": 0.1})
    assert inverse_error_weights({"a": 0.0, "b": 0.3}) == {"a": 1.0, "b": 0.0}


def test_seasonal_naive_repeats_the_week_a_year_earlier() -> None:
    units = np.arange(60, dtype=float)

    assert seasonal_naive_forecast(units, 3).tolist() == [8.0, 9.0, 10.0]


def test_a_member_that_forecasts_the_season_is_kept_though_it_misses_early_origins() -> None:
    # 124 weeks: MSTL (104 weeks) forecasts the season and the two newest of the backtest's
    # origins (12 to 52 weeks before the end of history), too few to be judged beside the
    # members that forecast all of them; AutoARIMA (117 weeks) forecasts none of them.
    history = _history(1, "2022-08-01", "2024-12-15")

    result = forecast_category(history, Season(dt.date(2024, 12, 16), 12))

    assert result.backtest is not None and "mstl" not in result.backtest.wape
    assert result.weights["mstl"] == pytest.approx(1 / 3)
    assert "sarima" not in result.weights
    assert sum(result.weights.values()) == pytest.approx(1.0)
    assert all(w.members["mstl"] > 0 for w in result.weeks)
    assert "MSTL at an equal share (too little history to backtest)" in result.weighting_note


def test_a_history_with_a_gap_and_one_season_gets_the_default_spread_and_says_so() -> None:
    history = {
        day: units
        for day, units in _history(0, "2023-10-02", "2024-12-29").items()
        if not dt.date(2024, 3, 1) <= day < dt.date(2024, 5, 1)
    }

    result = forecast_category(history, Season(dt.date(2024, 12, 30), 12))

    assert result.total_units > 0
    assert "a default spread of 15% stands in" in result.risk.note
    low, high = result.risk.interval(0.8)
    assert low < 1 < high
