"""Imports against the real database: atomic, idempotent, only changed rows written."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from shared import services
from shared.imports import ImportRejected
from shared.models import Category, HistoricalSale, Store, WeeklySale
from shared.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db

HEADER = "date,store_id,category,quantity_sold,revenue\n"


def _snapshot() -> list[tuple]:
    return list(
        HistoricalSale.objects.order_by("id").values_list(
            "id", "date", "store_id", "category_id", "quantity_sold", "revenue"
        )
    )


def test_history_import_creates_categories_from_the_data() -> None:
    StoreFactory(id="S001")
    raw = HEADER + "2024-01-01,S001,Women's Dresses,3,165\n2024-01-01,S001,Accessories,2,50\n"

    summary = services.history_import(raw=raw.encode())

    assert (summary.rows, summary.created, summary.updated, summary.unchanged) == (2, 2, 0, 0)
    assert dict(Category.objects.values_list("slug", "name")) == {
        "womens-dresses": "Women's Dresses",
        "accessories": "Accessories",
    }
    assert Category.objects.get(slug="accessories").history_row_count == 1


def test_the_import_keeps_each_categorys_priced_history_on_the_category() -> None:
    StoreFactory(id="S001")
    StoreFactory(id="S002")

    def evidence() -> tuple[Decimal | None, int]:
        category = Category.objects.get(slug="dresses")
        return category.history_revenue, category.history_priced_units

    services.history_import(
        raw=(HEADER + "2024-01-01,S001,Dresses,3,165\n2024-01-01,S002,Dresses,2,100\n").encode()
    )
    assert evidence() == (Decimal("265.00"), 5)

    # A changed row replaces its part; a units-only row adds units but no price evidence.
    services.history_import(raw=(HEADER + "2024-01-01,S002,Dresses,4,180\n").encode())
    services.history_import(
        raw=b"date,store_id,category,quantity_sold\n2024-01-02,S001,Dresses,9\n"
    )
    assert evidence() == (Decimal("345.00"), 7)
    assert Category.objects.get(slug="dresses").history_row_count == 3


def test_units_only_history_is_stored_without_revenue_and_keeps_known_revenue() -> None:
    StoreFactory(id="S001")
    services.history_import(raw=(HEADER + "2024-01-01,S001,Dresses,3,165\n").encode())
    units_only = "date,store_id,category,quantity_sold\n"
    raw = (units_only + "2024-01-01,S001,Dresses,4\n2024-01-02,S001,Dresses,2\n").encode()

    summary = services.history_import(raw=raw)
    again = services.history_import(raw=raw)

    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert [row[4:] for row in _snapshot()] == [(4, Decimal("165.00")), (2, None)]


def test_reimporting_the_same_file_changes_nothing() -> None:
    StoreFactory(id="S001")
    raw = (HEADER + "2024-01-01,S001,Dresses,3,165.50\n2024-01-02,S001,Dresses,4,220\n").encode()
    services.history_import(raw=raw)
    before = _snapshot()

    summary = services.history_import(raw=raw)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert _snapshot() == before


def test_changed_rows_are_updated_in_place() -> None:
    StoreFactory(id="S001")
    services.history_import(raw=(HEADER + "2024-01-01,S001,Dresses,3,165\n").encode())
    row_id = HistoricalSale.objects.get().id

    summary = services.history_import(
        raw=(HEADER + "2024-01-01,S001,Dresses,5,275.25\n2024-01-02,S001,Dresses,1,55\n").encode()
    )

    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    sale = HistoricalSale.objects.get(id=row_id)
    assert (sale.quantity_sold, sale.revenue) == (5, Decimal("275.25"))
    assert Category.objects.get(slug="dresses").history_row_count == 2


def test_a_file_with_one_bad_row_leaves_the_database_unchanged() -> None:
    StoreFactory(id="S001")
    services.history_import(raw=(HEADER + "2024-01-01,S001,Dresses,3,165\n").encode())
    before = _snapshot()
    categories_before = list(Category.objects.values_list("slug", "history_row_count"))
    good_rows = "".join(f"2024-02-{day:02d},S001,Shirts,1,35\n" for day in range(1, 28))

    with pytest.raises(ImportRejected) as caught:
        services.history_import(
            raw=(HEADER + good_rows + "2024-03-01,S001,Shirts,-1,35\n").encode()
        )

    assert caught.value.problems[0].row == 29
    assert _snapshot() == before
    assert list(Category.objects.values_list("slug", "history_row_count")) == categories_before


def test_names_that_make_the_same_slug_are_rejected() -> None:
    StoreFactory(id="S001")
    raw = HEADER + "2024-01-01,S001,Womens Dresses,1,1\n2024-01-01,S001,Women's Dresses,1,1\n"

    with pytest.raises(ImportRejected) as caught:
        services.history_import(raw=raw.encode())

    assert caught.value.problems[0].message == (
        "'Womens Dresses' is the same category as 'Women's Dresses' (slug 'womens-dresses')"
    )
    assert not Category.objects.exists()


def test_store_import_creates_then_reports_unchanged(sample_stores_path: Path) -> None:
    raw = sample_stores_path.read_bytes()

    first = services.stores_import(raw=raw)
    second = services.stores_import(raw=raw)

    assert (first.created, first.updated) == (50, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 50)
    store = Store.objects.get(id="S001")
    assert store.name == "South Value 01"
    assert store.fashion_tier == "Value"


def test_store_import_keeps_attributes_of_absent_columns() -> None:
    StoreFactory(id="S001", size_sqft=9000, region="North", location_tier="B")

    summary = services.stores_import(raw=b"store_id,location_tier,region\nS001,a,\n")

    store = Store.objects.get(id="S001")
    assert summary.updated == 1
    assert (store.location_tier, store.region, store.size_sqft) == ("A", "", 9000)
    assert store.name == "Store S001"


def test_sample_history_imports_fully_and_idempotently(
    sample_stores_path: Path, sample_history_path: Path
) -> None:
    services.stores_import(raw=sample_stores_path.read_bytes())
    raw = sample_history_path.read_bytes()

    first = services.history_import(raw=raw)
    second = services.history_import(raw=raw)

    assert (first.rows, first.created) == (164_400, 164_400)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 164_400)
    assert HistoricalSale.objects.count() == 164_400
    assert sorted(Category.objects.values_list("history_row_count", flat=True)) == [54_800] * 3


def _weekly() -> list[tuple]:
    return list(
        WeeklySale.objects.order_by("week_start", "store_id").values_list(
            "week_start", "store_id", "category_id", "units", "revenue", "days"
        )
    )


def test_the_import_keeps_the_weekly_totals_by_store_in_step_with_the_history() -> None:
    StoreFactory(id="S001")
    StoreFactory(id="S002")
    # Sunday 2024-01-07 closes the week of Monday 2024-01-01; 2024-01-08 opens the next.
    raw = HEADER + (
        "2024-01-01,S001,Dresses,3,30\n2024-01-07,S001,Dresses,4,40\n"
        "2024-01-08,S001,Dresses,5,50\n2024-01-03,S002,Dresses,1,10\n"
    )
    services.history_import(raw=raw.encode())
    first = _weekly()
    services.history_import(raw=(HEADER + "2024-01-07,S001,Dresses,6,60\n").encode())

    week = dt.date(2024, 1, 1)
    assert first == [
        (week, "S001", "dresses", 7, Decimal("70.00"), 2),
        (week, "S002", "dresses", 1, Decimal("10.00"), 1),
        (week + dt.timedelta(days=7), "S001", "dresses", 5, Decimal("50.00"), 1),
    ]
    assert _weekly()[0] == (week, "S001", "dresses", 9, Decimal("90.00"), 2)
    assert _weekly()[1:] == first[1:]
