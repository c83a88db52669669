from django.urls import include, path
from rest_framework.routers import DefaultRouter

from allocation.api.views import AllocationView, StoreClusterViewSet
from forecasting.api.views import ForecastViewSet
from markdowns.api.views import MarkdownListView
from planner.api import variance_views, views, workflow_views
from planner.api.root import ApiRootView
from season_agents.api.views import ExtractParametersView

router = DefaultRouter(use_regex_path=True)
router.include_root_view = False  # planner.api.root lists every resource, not just these
router.trailing_slash = "/?"  # accept /api/stores and /api/stores/ alike
router.register("categories", views.CategoryViewSet, basename="category")
# Registered before stores so "clusters" is not read as a store id.
router.register("stores/clusters", StoreClusterViewSet, basename="store-cluster")
router.register("stores", views.StoreViewSet, basename="store")
router.register("workflows", workflow_views.WorkflowViewSet, basename="workflow")
router.register("forecasts", ForecastViewSet, basename="forecast")

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("health", views.HealthView.as_view(), name="health"),
    path("health/live", views.LivenessView.as_view(), name="health-live"),
    path(
        "data/upload-historical-sales",
        views.HistoricalSalesUploadView.as_view(),
        name="upload-historical-sales",
    ),
    path(
        "data/upload-store-attributes",
        views.StoreAttributesUploadView.as_view(),
        name="upload-store-attributes",
    ),
    path("parameters/extract", ExtractParametersView.as_view(), name="extract-parameters"),
    path("workflows/forecast", workflow_views.StartForecastView.as_view(), name="start-forecast"),
    path(
        "workflows/reforecast",
        workflow_views.StartReforecastView.as_view(),
        name="start-reforecast",
    ),
    path(
        "approvals/manufacturing",
        workflow_views.ManufacturingApprovalView.as_view(),
        name="approve-manufacturing",
    ),
    path(
        "approvals/markdown", workflow_views.MarkdownApprovalView.as_view(), name="approve-markdown"
    ),
    path(
        "approvals/replenishment",
        workflow_views.ReplenishmentApprovalView.as_view(),
        name="approve-replenishment",
    ),
    path(
        "data/upload-weekly-sales",
        workflow_views.WeeklySalesUploadView.as_view(),
        name="upload-weekly-sales",
    ),
    path(
        "agents/demand/forecast",
        workflow_views.AgentStepView.as_view(agent="demand"),
        name="agent-demand",
    ),
    path(
        "agents/inventory/allocate",
        workflow_views.AgentStepView.as_view(agent="inventory"),
        name="agent-inventory",
    ),
    path(
        "agents/pricing/analyze",
        workflow_views.AgentStepView.as_view(agent="pricing"),
        name="agent-pricing",
    ),
    path("allocations/<int:forecast_id>", AllocationView.as_view(), name="allocation"),
    path("markdowns/<int:forecast_id>", MarkdownListView.as_view(), name="markdowns"),
    path(
        "variance/<int:forecast_id>/week/<int:week_number>",
        variance_views.VarianceView.as_view(),
        name="variance",
    ),
    path("", include(router.urls)),
]
