"""The category's series read from the weekly totals gives the weeks the dated rows give."""

import datetime as dt

import pytest

from forecasting import fetch
from forecasting.engine.series import weekly_series
from shared import services
from shared.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 2, 17)


def _series_both_ways(category_id: str, season_start: dt.date):
    dated = fetch.category_daily_units(category_id)
    return (
        weekly_series(
            fetch.category_units_for_season(category_id, season_start=season_start),
            season_start=season_start,
        ),
        weekly_series(dated, season_start=season_start),
    )


def test_the_sample_history_gives_the_same_weeks_from_the_weekly_totals(season_data) -> None:
    from_weeks, from_dates = _series_both_ways("womens-dresses", MONDAY)

    assert len(from_weeks.units) > 100 and from_weeks == from_dates


@pytest.mark.parametrize(
    ("rows", "step"),
    [
        # Daily rows from a Wednesday to a Thursday: the partial first and last weeks drop out.
        ([dt.date(2024, 1, 3) + dt.timedelta(days=d) for d in range(0, 400, 1)], "daily"),
        # Weekly rows on Mondays: the last row covers its week.
        ([dt.date(2024, 1, 1) + dt.timedelta(weeks=w) for w in range(60)], "weekly"),
        # Weekly rows on Sundays: each covers the Sunday to Saturday after it.
        ([dt.date(2024, 1, 7) + dt.timedelta(weeks=w) for w in range(60)], "weekly"),
    ],
)
def test_partial_weeks_at_either_end_drop_out_as_from_the_dated_rows(rows, step) -> None:
    StoreFactory(id="S001")
    StoreFactory(id="S002")
    lines = ["date,store_id,category,quantity_sold"]
    for number, day in enumerate(rows):
        lines.append(f"{day},S001,Tops,{1 + number % 5}")
        if number % 3:
            lines.append(f"{day},S002,Tops,{2 + number % 4}")
    services.history_import(raw=("\n".join(lines) + "\n").encode())

    for season_start in (dt.date(2025, 3, 3), dt.date(2025, 3, 5)):
        from_weeks, from_dates = _series_both_ways("tops", season_start)
        assert from_weeks == from_dates and from_weeks.units, (step, season_start)
