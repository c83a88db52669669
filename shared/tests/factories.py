"""Test factories of the shared models; history rows are written with what the import keeps
from them."""

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from shared.choices import FashionTier, LocationTier
from shared.models import Category, HistoricalSale, Store
from shared.services import category_history_price_refresh, weekly_sales_refresh


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda category: category.name.lower().replace(" ", "-"))


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("id",)

    id = factory.Sequence(lambda n: f"S{n + 1:03d}")
    name = factory.LazyAttribute(lambda store: f"Store {store.id}")
    size_sqft = 9000
    median_income = 70000
    location_tier = LocationTier.B
    fashion_tier = FashionTier.MAINSTREAM
    store_format = "mall"
    region = "North"
    avg_weekly_sales_12mo = Decimal("5000.00")
    foot_traffic = 12000
    competitor_density = 5.0
    online_penetration = 0.25
    population_density = 5000
    mall_location = True


class HistoricalSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoricalSale

    date = factory.Sequence(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n))
    store = factory.SubFactory(StoreFactory)
    category = factory.SubFactory(CategoryFactory)
    quantity_sold = 10
    revenue = Decimal("550.00")

    @classmethod
    def _create(
        cls, model_class: type[HistoricalSale], *args: Any, **kwargs: Any
    ) -> HistoricalSale:
        """The row, with what the history import keeps from it: the category's weekly totals
        and price evidence."""
        sale = super()._create(model_class, *args, **kwargs)
        weekly_sales_refresh(category_id=sale.category_id, first=sale.date, last=sale.date)
        category_history_price_refresh(category_id=sale.category_id)
        return sale
