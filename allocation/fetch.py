"""Database rows -> allocation engine inputs, in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet, Sum

from allocation.engine.shares import HISTORY_WEEKS, ShareChoice, recent_units
from allocation.engine.types import StoreProfile
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


def share_choice(category_id: str, *, season_start: dt.date, season_weeks: int) -> ShareChoice:
    """The store share rule chosen on this category's recent history, with its backtest
    error (allocation.engine.shares)."""
    rows, day_field, units_field = _recent_rows(
        category_id, season_start=season_start, weeks=HISTORY_WEEKS
    )
    dated = rows.values_list(day_field, "store_id", units_field)
    _, choice = recent_units(
        ((day, store, float(sold)) for day, store, sold in dated.iterator(chunk_size=5000)),
        season_start=season_start,
        season_weeks=season_weeks,
    )
    return choice


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

    return [
        StoreProfile(
            store_id=store.pk,
            avg_weekly_sales_12mo=number(store.avg_weekly_sales_12mo),
            size_sqft=number(store.size_sqft),
            median_income=number(store.median_income),
            foot_traffic=number(store.foot_traffic),
            competitor_density=number(store.competitor_density),
            online_penetration=number(store.online_penetration),
            population_density=number(store.population_density),
            location_tier=store.location_tier or None,
            category_units=float(units.get(store.pk, 0)),
        )
        for store in Store.objects.order_by("id")
    ]


def last_year_units(category_id: str, *, season_start: dt.date) -> dict[str, float]:
    """Each store's units of the category in the 52 weeks before the season (the push
    baseline's shares)."""
    rows, _, units_field = _recent_rows(category_id, season_start=season_start, weeks=52)
    totals = (
        rows.values("store_id").annotate(units=Sum(units_field)).values_list("store_id", "units")
    )
    return {store: float(units) for store, units in totals}
