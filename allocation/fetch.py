"""Database rows -> allocation engine inputs, in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import IntegerField, QuerySet, Sum
from django.db.models.expressions import RawSQL

from allocation.engine.shares import (
    HISTORY_WEEKS,
    ShareChoice,
    StoreWeeks,
    recent_shares,
    store_weeks,
)
from allocation.engine.types import STORE_NUMBERS, StoreProfile
from shared.models import HistoricalSale, Store, WeeklySale


def _recent_rows(
    category_id: str, *, season_start: dt.date, weeks: int
) -> tuple[QuerySet[Any], str, str]:
    """The category's rows of the `weeks` weeks before the season with the names of their
    date and units: the weekly totals when the season starts on a Monday (their weeks are the
    season's 7-day buckets, so every bucket sums the same), else the dated rows."""
    since = season_start - dt.timedelta(weeks=weeks)
    if season_start.weekday() == 0:
        weekly = WeeklySale.objects.filter(
            category_id=category_id, week_start__gte=since, week_start__lt=season_start
        )
        return weekly, "week_start", "units"
    daily = HistoricalSale.objects.filter(
        category_id=category_id, date__gte=since, date__lt=season_start
    )
    return daily, "date", "quantity_sold"


# Days from a date column to a season's start (a parameter), per engine.
_DAYS_BEFORE = {
    "postgresql": "%s::date - {column}",
    "sqlite": "CAST(julianday(%s) - julianday({column}) AS INTEGER)",
}


def recent_store_weeks(category_id: str, *, season_start: dt.date) -> StoreWeeks:
    """The category's units by store and week in the `HISTORY_WEEKS` before the season, read
    as plain columns, the days before the season computed by the database (no model instance,
    date or converter a row)."""
    rows, day_field, units_field = _recent_rows(
        category_id, season_start=season_start, weeks=HISTORY_WEEKS
    )
    days_before = RawSQL(
        _DAYS_BEFORE[connection.vendor].format(column=day_field),
        [season_start],
        output_field=IntegerField(),
    )
    dated = rows.order_by().annotate(days_before=days_before)
    sql, params = dated.values_list("days_before", "store_id", units_field).query.sql_with_params()
    with connection.cursor() as cursor:  # the queryset's own SQL, its rows taken as they come
        cursor.execute(sql, params)
        columns = np.array(cursor.fetchall(), dtype=object).reshape(-1, 3).T
    store, stores = pd.factorize(columns[1], sort=True)
    return store_weeks(
        columns[0].astype(np.int64), store, stores.tolist(), columns[2].astype(float)
    )


def share_choice(category_id: str, *, season_start: dt.date, season_weeks: int) -> ShareChoice:
    """The store share rule chosen on this category's recent history, with its backtest
    error (allocation.engine.shares)."""
    return recent_shares(
        recent_store_weeks(category_id, season_start=season_start), season_weeks=season_weeks
    )


def store_profiles(
    category_id: str,
    *,
    season_start: dt.date,
    season_weeks: int,
    shares: ShareChoice | None = None,
) -> list[StoreProfile]:
    """Every store with its attributes and its units of this category in the recent window
    that predicts store shares best (allocation.engine.shares); pass `shares` when the caller
    has chosen them already, so history is read once."""
    choice = shares or share_choice(
        category_id, season_start=season_start, season_weeks=season_weeks
    )
    units = choice.units

    def number(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    attributes = Store.objects.order_by("id").values_list("id", *STORE_NUMBERS, "location_tier")
    return [
        StoreProfile(
            store_id=store_id,
            **{name: number(value) for name, value in zip(STORE_NUMBERS, numbers, strict=True)},
            location_tier=tier or None,
            category_units=float(units.get(store_id, 0)),
        )
        for store_id, *numbers, tier in attributes
    ]


def last_year_units(category_id: str, *, season_start: dt.date) -> dict[str, float]:
    """Each store's units of the category in the 52 weeks before the season (the push
    baseline's shares)."""
    rows, _, units_field = _recent_rows(category_id, season_start=season_start, weeks=52)
    totals = (
        rows.values("store_id").annotate(units=Sum(units_field)).values_list("store_id", "units")
    )
    return {store: float(units) for store, units in totals}
