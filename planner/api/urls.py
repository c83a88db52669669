from django.urls import include, path
from rest_framework.routers import DefaultRouter

from allocation.api.views import StoreClusterViewSet
from planner.api import views
from season_agents.api.views import ExtractParametersView

router = DefaultRouter(use_regex_path=True)
router.trailing_slash = "/?"  # accept /api/stores and /api/stores/ alike
router.register("categories", views.CategoryViewSet, basename="category")
# Registered before stores so "clusters" is not read as a store id.
router.register("stores/clusters", StoreClusterViewSet, basename="store-cluster")
router.register("stores", views.StoreViewSet, basename="store")

urlpatterns = [
    path("health", views.HealthView.as_view(), name="health"),
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
    path("", include(router.urls)),
]
