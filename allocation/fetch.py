"""Database rows -> allocation engine inputs, in one place."""

from __future__ import annotations

from django.db.models import Sum

from allocation.engine.types import StoreProfile
from planner.models import HistoricalSale, Store


def store_profiles(category_id: str) -> list[StoreProfile]:
    """Every store with its attributes and its units of this category's history."""
    units = dict(
        HistoricalSale.objects.filter(category_id=category_id)
        .values("store_id")
        .annotate(units=Sum("quantity_sold"))
        .values_list("store_id", "units")
    )

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
