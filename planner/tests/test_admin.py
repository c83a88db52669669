"""Every registered model's admin list, add and change pages load for a superuser."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from allocation.models import ClusteringRun, StoreCluster
from planner.tests.factories import HistoricalSaleFactory, SeasonParametersFactory
from season_agents.models import ParameterExtraction

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
