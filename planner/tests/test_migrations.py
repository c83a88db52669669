"""Moving the stores, categories and sales history into this app loses nothing: a database
filled by the old layout (the models in planner) keeps every row and every link."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from allocation.models import StoreCluster
from planner.models import WeeklyActual, Workflow
from shared.models import Category, HistoricalSale, Store, WeeklySale

BEFORE_THE_MOVE = [
    ("planner", "0008_category_economics"),
    ("allocation", "0004_shipment_proposed_units"),
    ("forecasting", "0003_ensemble_with_autoarima"),
    ("shared", None),
]


def _migrate(targets: list[tuple[str, str | None]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.fixture
def old_layout(transactional_db: None) -> Iterator[object]:
    """The database as the old layout left it; migrated forward again whatever happens."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield _migrate(BEFORE_THE_MOVE)
    finally:
        _migrate(latest)


def test_a_database_filled_by_the_old_layout_keeps_its_rows_and_links(old_layout) -> None:
    apps = old_layout
    ContentType.objects.filter(app_label="shared").delete()
    old_store_type, _ = ContentType.objects.get_or_create(app_label="planner", model="store")
    tops = apps.get_model("planner", "Category").objects.create(
        slug="tops", name="Tops", price="20.00", unit_cost="8.00"
    )
    store = apps.get_model("planner", "Store").objects.create(
        id="S001", name="Harbour", location_tier="A", fashion_tier="Premium"
    )
    apps.get_model("planner", "HistoricalSale").objects.create(
        date=dt.date(2025, 3, 3), store=store, category=tops, quantity_sold=7, revenue="140.00"
    )
    parameters = apps.get_model("planner", "SeasonParameters").objects.create(
        season_start_date=dt.date(2026, 3, 2), season_end_date=dt.date(2026, 5, 24)
    )
    workflow = apps.get_model("planner", "Workflow").objects.create(
        category=tops, parameters=parameters
    )
    apps.get_model("planner", "WeeklyActual").objects.create(
        workflow=workflow, week_number=1, store=store, units_sold=5
    )
    run = apps.get_model("allocation", "ClusteringRun").objects.create(k=2, silhouette=0.5, seed=7)
    cluster = apps.get_model("allocation", "StoreCluster").objects.create(
        run=run, label="mainstream"
    )
    cluster.stores.add(store)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    category = Category.objects.get()
    assert (category.slug, category.price, category.unit_cost) == ("tops", 20, 8)
    # The price evidence is summed from the history already held.
    assert (category.history_revenue, category.history_priced_units) == (140, 7)
    sale = HistoricalSale.objects.get()
    assert (sale.store_id, sale.category_id, sale.quantity_sold) == ("S001", "tops", 7)
    assert Workflow.objects.get().category == category
    assert WeeklyActual.objects.get().store == Store.objects.get(pk="S001")
    assert list(StoreCluster.objects.get().stores.values_list("id", flat=True)) == ["S001"]
    assert ContentType.objects.get_for_model(Store).pk == old_store_type.pk
    # The weekly totals are summed from the history already held.
    week = WeeklySale.objects.get()
    assert (week.week_start, week.store_id, week.units, week.days) == (
        dt.date(2025, 3, 3),
        "S001",
        7,
        1,
    )
