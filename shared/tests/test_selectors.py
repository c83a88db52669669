"""Each category's economics with defaults and where each value came from."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from shared import services
from shared.models import Category
from shared.selectors import category_economics, category_units_a_year_before
from shared.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db

PLANNING = {"DEFAULT_PRICE": 30.0, "COST_SHARE": 0.45, "SALVAGE_SHARE": 0.3}


def _import(rows: str, header: str = "date,store_id,category,quantity_sold,revenue\n") -> None:
    StoreFactory(id="S001")
    services.history_import(raw=(header + rows).encode())


def test_price_defaults_to_history_revenue_over_units_and_cost_to_its_share() -> None:
    _import("2024-01-01,S001,Dresses,3,165\n2024-01-02,S001,Dresses,1,55\n")

    with override_settings(PLANNING={**PLANNING}):
        economics = category_economics("dresses")

    assert economics.price == pytest.approx(55.0)  # 220 / 4
    assert economics.unit_cost == pytest.approx(0.45 * 55)
    assert economics.salvage_value == 7.43  # 0.3 x 24.75 = 7.425, to the cent half up
    assert economics.shipment_cost == 0.0
    assert economics.sources == {
        "price": "history revenue / units",
        "unit_cost": "45% of price (PLANNING_COST_SHARE)",
        "salvage_value": "30% of cost (PLANNING_SALVAGE_SHARE)",
        "shipment_cost": "none set",
    }


def test_units_only_history_takes_the_price_from_the_setting() -> None:
    _import("2024-01-01,S001,Socks,3\n", header="date,store_id,category,quantity_sold\n")

    with override_settings(PLANNING={**PLANNING}):
        economics = category_economics("socks")

    assert economics.price == 30.0
    assert economics.sources["price"] == "PLANNING_DEFAULT_PRICE (no revenue in history)"


def test_values_set_on_the_category_win() -> None:
    _import("2024-01-01,S001,Dresses,3,165\n")
    Category.objects.filter(slug="dresses").update(
        price=Decimal("60"), unit_cost=Decimal("20"), salvage_value=Decimal("5"), shipment_cost=2
    )

    economics = category_economics("dresses")

    assert (economics.price, economics.unit_cost, economics.salvage_value) == (60.0, 20.0, 5.0)
    assert economics.shipment_cost == 2.0
    assert set(economics.sources.values()) == {"set for the category"}


def test_units_a_year_before_sum_last_years_same_weekdays_and_leave_uncovered_weeks_empty() -> None:
    # Three whole weeks of history, Monday 2024-01-01 to Sunday 2024-01-21: one unit a day,
    # five on 2024-01-08.
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(21)]
    rows = "".join(f"{day},S001,Dresses,{5 if day == dt.date(2024, 1, 8) else 1}\n" for day in days)
    _import(rows, header="date,store_id,category,quantity_sold\n")
    # 364 days after each week of history, with one week either side.
    starts = [dt.date(2024, 12, 23) + dt.timedelta(weeks=n) for n in range(5)]

    assert category_units_a_year_before("dresses", starts) == [None, 7, 11, 7, None]
    assert category_units_a_year_before("dresses", []) == []
    assert category_units_a_year_before("no-such-category", starts[:2]) == [None, None]
