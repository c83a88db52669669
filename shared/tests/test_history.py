"""The sales history keeps its stores and categories without foreign key constraints in the
database (the history import checks them): deleting one that has history is still refused."""

import datetime as dt

import pytest
from django.db.models import ProtectedError

from shared.models import Category, HistoricalSale, Store

pytestmark = pytest.mark.django_db


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
