from csp.decorators import csp_exempt
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from planner.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("seasons/new", views.season_new, name="season-new"),
    path("data/upload", views.upload_data, name="data-upload"),
    path("seasons/<int:workflow_id>/stores.csv", views.store_allocation_csv, name="season-csv"),
    re_path(
        r"^seasons/(?P<workflow_id>[0-9]+)/export/(?P<what>weeks|plan|report)\.(?P<fmt>csv|xlsx)$",
        views.season_export,
        name="season-export",
    ),
    path(
        "seasons/<int:workflow_id>/sample-week.csv",
        views.sample_week_csv,
        name="season-sample-week",
    ),
    path(
        "seasons/<int:workflow_id>/shipments.csv",
        views.replenishment_csv,
        name="season-replenishment-csv",
    ),
    path("seasons/<int:workflow_id>", views.season, name="season"),
    path("seasons/<int:workflow_id>/live", views.season_live, name="season-live"),
    path(
        "seasons/<int:workflow_id>/weeks/<int:week_number>/drill",
        views.season_week_drill,
        name="season-week-drill",
    ),
    path(
        "seasons/<int:workflow_id>/manufacturing",
        views.approve_manufacturing,
        name="season-manufacturing",
    ),
    path("seasons/<int:workflow_id>/economics", views.season_economics, name="season-economics"),
    path("seasons/<int:workflow_id>/weeks", views.upload_week, name="season-upload"),
    path("seasons/<int:workflow_id>/cancel", views.cancel_season, name="season-cancel"),
    path("glossary", views.glossary, name="glossary"),
    path("seasons/<int:workflow_id>/markdown", views.approve_markdown, name="season-markdown"),
    path(
        "seasons/<int:workflow_id>/replenishment/<int:week_number>",
        views.approve_replenishment,
        name="season-replenishment",
    ),
    path("vendor/plotly.min.js", views.plotly_js, name="plotly-js"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP.
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    # Redoc's page starts itself with an inline script: the one page outside the CSP.
    path("redoc", csp_exempt()(SpectacularRedocView.as_view(url_name="schema")), name="redoc"),
    path("api-auth/", include("rest_framework.urls")),
    path("api/", include("planner.api.urls")),
]
