"""Each category's economics with defaults and where each value came from."""

from decimal import Decimal

import pytest
from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError
from django.test import override_settings

from conftest import token_client, user_with_roles
from planner.access import VIEWERS
from planner.admin import CategoryAdmin
from planner.data import services
from planner.selectors import category_economics
from planner.tests.factories import StoreFactory
from shared.models import Category

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


def test_the_admin_refuses_a_cost_above_the_price_or_salvage_above_cost() -> None:
    category = Category(slug="x", name="X", price=Decimal("10"), unit_cost=Decimal("12"))
    with pytest.raises(ValidationError, match="unit cost must be below the price"):
        category.full_clean()
    category = Category(slug="x", name="X", unit_cost=Decimal("5"), salvage_value=Decimal("5"))
    with pytest.raises(ValidationError, match="salvage value must be below the cost"):
        category.full_clean()


def test_the_admin_checks_one_field_against_the_defaults_the_others_take() -> None:
    # Men's Shirts at 35.00 from history: cost 15.75 by default, so a salvage of 30 cannot be.
    _import("2024-01-01,S001,Shirts,2,70\n")
    form_class = CategoryAdmin(Category, AdminSite()).get_form(request=None)
    data = {"name": "Shirts", "slug": "shirts", "salvage_value": "30", "shipment_cost": "0"}

    form = form_class(data=data, instance=Category.objects.get(slug="shirts"))

    assert not form.is_valid()
    assert "salvage value 30.00 must be below the unit cost 15.75" in str(form.errors)
    assert Category.objects.get(slug="shirts").salvage_value is None
    assert form_class(
        data={**data, "salvage_value": "5"}, instance=Category.objects.get(slug="shirts")
    ).is_valid()


def test_the_categories_api_shows_the_economics_and_planners_set_them(api_client) -> None:
    _import("2024-01-01,S001,Dresses,4,220\n")

    listed = api_client.get("/api/categories").json()["results"][0]
    saved = api_client.put(
        "/api/categories/dresses/economics",
        {"price": None, "unit_cost": "20", "salvage_value": None, "shipment_cost": "1.5"},
        format="json",
    )
    refused = api_client.put(
        "/api/categories/dresses/economics",
        {"price": "10", "unit_cost": "20", "salvage_value": None, "shipment_cost": "0"},
        format="json",
    )

    assert listed["economics"]["price"] == 55.0
    assert listed["economics"]["sources"]["price"] == "history revenue / units"
    assert listed["economics_problem"] == ""
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["economics"]["unit_cost"], saved.json()["economics"]["shipment_cost"]) == (
        20.0,
        1.5,
    )
    assert refused.status_code == 400
    assert refused.json()["message"] == "price 10.00 must be above the unit cost 20.00"
    assert Category.objects.get(slug="dresses").unit_cost == 20


def test_a_viewer_cannot_set_the_economics() -> None:
    _import("2024-01-01,S001,Dresses,4,220\n")
    viewer = token_client(user_with_roles("viola", VIEWERS))

    refused = viewer.put("/api/categories/dresses/economics", {"unit_cost": "20"}, format="json")

    assert refused.status_code == 403
