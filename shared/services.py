"""Writes of the shared app."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Sum

from shared.models import Category, HistoricalSale, WeeklySale

# The Monday of a history row's date, per engine (the weekly table's week_start).
_MONDAY = {
    "postgresql": "(date - (EXTRACT(ISODOW FROM date)::int - 1))",
    "sqlite": "date(date, '-' || ((CAST(strftime('%w', date) AS INTEGER) + 6) % 7) || ' days')",
}


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_sales_refresh(*, category_id: str, first: dt.date, last: dt.date) -> None:
    """Sums the category's history of the weeks from `first`'s to `last`'s into the weekly
    table again (two statements in the database, whatever the number of rows); the caller's
    transaction keeps the table and the history in step."""
    start, end = monday_of(first), monday_of(last) + dt.timedelta(days=6)
    weekly, daily = WeeklySale._meta.db_table, HistoricalSale._meta.db_table
    monday = _MONDAY[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {weekly} WHERE category_id = %s AND week_start BETWEEN %s AND %s",
            [category_id, start, end],
        )
        cursor.execute(
            f"INSERT INTO {weekly} (category_id, store_id, week_start, units, revenue, days) "
            f"SELECT category_id, store_id, {monday}, SUM(quantity_sold), SUM(revenue), "
            f"COUNT(*) FROM {daily} WHERE category_id = %s AND date BETWEEN %s AND %s "
            f"GROUP BY category_id, store_id, {monday}",
            [category_id, start, end],
        )


def category_history_price_refresh(*, category_id: str) -> None:
    """Sums the revenue and units of the category's history rows that carry revenue onto the
    category (the evidence its default price is derived from); the history import calls it
    for each category it changed, in its transaction."""
    totals = HistoricalSale.objects.filter(
        category_id=category_id, revenue__isnull=False
    ).aggregate(revenue=Sum("revenue"), units=Sum("quantity_sold"))
    Category.objects.filter(pk=category_id).update(
        history_revenue=totals["revenue"], history_priced_units=totals["units"] or 0
    )
