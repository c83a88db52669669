"""The API's front page: every resource with what it is for (the browsable root)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

# (name, URL name or path template, what it is for)
RESOURCES: tuple[tuple[str, str, str], ...] = (
    ("health", "health", "Readiness: database, channel layer, LLM configuration."),
    ("categories", "category-list", "Product categories from the sales history, with economics."),
    ("stores", "store-list", "Stores and their attributes."),
    ("store clusters", "store-cluster-list", "The clusters of the latest season's allocation."),
    ("upload historical sales", "upload-historical-sales", "POST a sales history CSV."),
    ("upload store attributes", "upload-store-attributes", "POST a store attributes CSV."),
    (
        "extract parameters",
        "extract-parameters",
        "POST a season in plain English; get the "
        "parameters, what was stated and what was defaulted.",
    ),
    ("start a forecast", "start-forecast", "POST confirmed parameters: the season starts."),
    ("start a re-forecast", "start-reforecast", "POST: re-forecast a season in progress."),
    (
        "seasons",
        "workflow-list",
        "Seasons (workflows): status, progress, the pending decision, results, what-if, cancel.",
    ),
    ("forecasts", "forecast-list", "Forecasts with their weeks, members and intervals."),
    (
        "approve the order",
        "approve-manufacturing",
        "POST accept or modify the manufacturing "
        "order (safety stock, holdback, cadence, markdown threshold).",
    ),
    ("approve a markdown", "approve-markdown", "POST accept or modify the checkpoint markdown."),
    ("approve replenishment", "approve-replenishment", "POST approve the coming week's shipments."),
    ("upload weekly sales", "upload-weekly-sales", "POST a week's store sales."),
    ("allocation", "/api/allocations/{forecast_id}", "A forecast's order and store allocation."),
    ("markdowns", "/api/markdowns/{forecast_id}", "A forecast's markdown decisions."),
    (
        "variance",
        "/api/variance/{forecast_id}/week/{week_number}",
        "A week's actuals against the plan, by store.",
    ),
    (
        "agent steps",
        "/api/agents/{demand/forecast,inventory/allocate,pricing/analyze}",
        "POST run one agent's step directly (debugging, integrations).",
    ),
    ("schema", "schema", "The OpenAPI schema; /docs and /redoc show it."),
)


class ApiRootView(APIView):
    """Season Planner's API: every resource and what it is for. Sign in (session) or send
    `Authorization: Token <key>`; /docs has the full reference."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response(
            {
                name: {
                    "url": target if target.startswith("/") else reverse(target, request=request),
                    "description": description,
                }
                for name, target, description in RESOURCES
            }
        )
