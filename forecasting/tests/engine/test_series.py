"""Weekly aggregation aligned to the season start."""

import datetime as dt

from forecasting.engine.series import weekly_series


def _days(start: dt.date, count: int, units: float = 1.0) -> dict[dt.date, float]:
    return {start + dt.timedelta(days=i): units for i in range(count)}


def test_buckets_start_on_the_season_weekday_and_drop_partial_ends() -> None:
    # Season starts on a Monday; history runs Wednesday 2024-01-03 .. Sunday 2024-01-28.
    series = weekly_series(_days(dt.date(2024, 1, 3), 26), season_start=dt.date(2024, 3, 4))

    assert series.week_starts == (dt.date(2024, 1, 8), dt.date(2024, 1, 15), dt.date(2024, 1, 22))
    assert series.units == (7.0, 7.0, 7.0)


def test_missing_days_inside_the_span_count_as_zero() -> None:
    history = _days(dt.date(2024, 1, 1), 14)
    del history[dt.date(2024, 1, 3)]

    series = weekly_series(history, season_start=dt.date(2024, 2, 5))

    assert series.units == (6.0, 7.0)


def test_weekly_rows_are_weeks() -> None:
    history = {dt.date(2024, 1, 1) + dt.timedelta(weeks=i): 70.0 + i for i in range(4)}

    series = weekly_series(history, season_start=dt.date(2024, 3, 4))

    assert series.units == (70.0, 71.0, 72.0, 73.0)
    assert series.week_starts[-1] == dt.date(2024, 1, 22)


def test_history_on_or_after_the_season_start_is_not_used() -> None:
    series = weekly_series(_days(dt.date(2024, 1, 1), 60), season_start=dt.date(2024, 1, 29))

    assert series.week_starts[-1] == dt.date(2024, 1, 22)
    assert len(series) == 4
