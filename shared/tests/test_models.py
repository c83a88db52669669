"""The shared models: the checks a category makes on its economics; the sales history keeps its
stores and categories without foreign key constraints in the database (the history import
checks them), and deleting one that has history is still refused; on PostgreSQL the weekly
totals are partitioned by category."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError

from shared.models import Category, HistoricalSale, Store

pytestmark = pytest.mark.django_db


def test_a_category_refuses_a_cost_above_the_price_or_salvage_above_cost() -> None:
    category = Category(slug="x", name="X", price=Decimal("10"), unit_cost=Decimal("12"))
    with pytest.raises(ValidationError, match="unit cost must be below the price"):
        category.full_clean()
    category = Category(slug="x", name="X", unit_cost=Decimal("5"), salvage_value=Decimal("5"))
    with pytest.raises(ValidationError, match="salvage value must be below the cost"):
        category.full_clean()


@pytest.fixture
def sale() -> HistoricalSale:
    store = Store.objects.create(id="S1")
    category = Category.objects.create(slug="dresses", name="Dresses")
    return HistoricalSale.objects.create(
        date=dt.date(2024, 1, 1), store=store, category=category, quantity_sold=3
    )


def test_a_store_with_history_is_not_deleted(sale: HistoricalSale) -> None:
    with pytest.raises(ProtectedError):
        Store.objects.filter(pk="S1").delete()

    assert HistoricalSale.objects.filter(store_id="S1").count() == 1


def test_a_category_with_history_is_not_deleted(sale: HistoricalSale) -> None:
    with pytest.raises(ProtectedError):
        Category.objects.filter(pk="dresses").delete()

    assert Store.objects.filter(pk="S1").exists()
    assert HistoricalSale.objects.filter(category_id="dresses").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_on_postgresql_the_weekly_totals_are_partitioned_by_category() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef('shared_weeklysale'::regclass), "
            "(SELECT count(*) FROM pg_inherits WHERE inhparent = 'shared_weeklysale'::regclass)"
        )
        key, partitions = cursor.fetchone()

    assert (key, partitions) == ("HASH (category_id)", 16)
