"""Every registered model's admin list, add and change pages load for a superuser."""

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from allocation.models import ClusteringRun, StoreCluster
from planner.admin import CategoryAdmin
from planner.tests.factories import SeasonParametersFactory
from season_agents.models import ParameterExtraction
from shared import services
from shared.models import Category
from shared.tests.factories import HistoricalSaleFactory, StoreFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"shared", "planner", "forecasting", "allocation", "markdowns", "season_agents"}
PROJECT_MODELS = [model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS]


@pytest.fixture
def admin_client_with_data() -> Client:
    HistoricalSaleFactory()
    SeasonParametersFactory()
    run = ClusteringRun.objects.create(k=3, silhouette=0.3, features=["size_sqft"], seed=1)
    StoreCluster.objects.create(run=run, label="mainstream")
    ParameterExtraction.objects.create(input_text="12 weeks", extractor="rule_based")
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def test_every_project_model_is_registered() -> None:
    names = {model.__name__ for model in PROJECT_MODELS}

    assert names >= {
        "Category",
        "Store",
        "StoreCluster",
        "HistoricalSale",
        "SeasonParameters",
        "Workflow",
        "WorkflowEvent",
        "Forecast",
        "ForecastWeek",
        "Allocation",
        "StoreAllocation",
        "ClusterAllocation",
        "WeeklyActual",
        "Shipment",
        "MarkdownDecision",
        "ParameterExtraction",
        "ClusteringRun",
    }


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model.__name__)
def test_admin_pages_load(admin_client_with_data: Client, model: type) -> None:
    info = (model._meta.app_label, model._meta.model_name)

    changelist = admin_client_with_data.get(reverse("admin:{}_{}_changelist".format(*info)))
    add = admin_client_with_data.get(reverse("admin:{}_{}_add".format(*info)))
    searched = admin_client_with_data.get(
        reverse("admin:{}_{}_changelist".format(*info)), {"q": "S0"}
    )

    assert changelist.status_code == 200
    assert add.status_code == 200
    assert searched.status_code == 200
    instance = model.objects.first()
    if instance is not None:
        change = admin_client_with_data.get(
            reverse("admin:{}_{}_change".format(*info), args=[instance.pk])
        )
        assert change.status_code == 200


def test_the_admin_checks_one_field_against_the_defaults_the_others_take() -> None:
    # Men's Shirts at 35.00 from history: cost 15.75 by default, so a salvage of 30 cannot be.
    StoreFactory(id="S001")
    services.history_import(
        raw=b"date,store_id,category,quantity_sold,revenue\n2024-01-01,S001,Shirts,2,70\n"
    )
    form_class = CategoryAdmin(Category, AdminSite()).get_form(request=None)
    data = {"name": "Shirts", "slug": "shirts", "salvage_value": "30", "shipment_cost": "0"}

    form = form_class(data=data, instance=Category.objects.get(slug="shirts"))

    assert not form.is_valid()
    assert "salvage value 30.00 must be below the unit cost 15.75" in str(form.errors)
    assert Category.objects.get(slug="shirts").salvage_value is None
    assert form_class(
        data={**data, "salvage_value": "5"}, instance=Category.objects.get(slug="shirts")
    ).is_valid()
