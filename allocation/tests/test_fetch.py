"""The reads of recent weeks by store: from the weekly totals on a Monday season start, with
the same figures as from the dated rows."""

import datetime as dt

import pytest
from django.db.models import Sum

from allocation import fetch
from allocation.engine.shares import HISTORY_WEEKS, recent_units
from shared.models import HistoricalSale

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 2, 17)


def test_recent_weeks_by_store_from_the_weekly_totals_equal_those_of_the_daily_rows(
    season_data,
) -> None:
    daily = HistoricalSale.objects.filter(
        category_id="womens-dresses",
        date__gte=MONDAY - dt.timedelta(weeks=HISTORY_WEEKS),
        date__lt=MONDAY,
    ).values_list("date", "store_id", "quantity_sold")
    units, expected = recent_units(
        ((day, store, float(sold)) for day, store, sold in daily),
        season_start=MONDAY,
        season_weeks=12,
    )
    last_year = dict(
        HistoricalSale.objects.filter(
            category_id="womens-dresses",
            date__gte=MONDAY - dt.timedelta(weeks=52),
            date__lt=MONDAY,
        )
        .values("store_id")
        .annotate(total=Sum("quantity_sold"))
        .values_list("store_id", "total")
    )

    choice = fetch.share_choice("womens-dresses", season_start=MONDAY, season_weeks=12)

    assert choice == expected
    assert units and choice.units == units
    assert fetch.last_year_units("womens-dresses", season_start=MONDAY) == {
        store: float(total) for store, total in last_year.items()
    }
