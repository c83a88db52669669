"""Seasons, approvals and in-season uploads: thin views over planner.season.workflows
(pre-season) and planner.season.weekly (in season)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from allocation.services import ShipmentEditRefused
from forecasting.selectors import forecast_by_id
from markdowns.api.serializers import MarkdownSummarySerializer
from markdowns.selectors import markdown_summary
from planner.api.answers import (
    AgentStepSerializer,
    ReforecastStartedSerializer,
    ReplenishmentDecidedSerializer,
    WeekUploadedSerializer,
    WhatIfComparisonSerializer,
    WorkflowResultsSerializer,
)
from planner.api.permissions import ApproverPermission
from planner.api.workflow_serializers import (
    AgentStepRequestSerializer,
    ManufacturingApprovalSerializer,
    MarkdownApprovalSerializer,
    ReplenishmentApprovalSerializer,
    StartForecastSerializer,
    StartReforecastSerializer,
    WeeklyUploadSerializer,
    WhatIfSerializer,
    WorkflowSerializer,
    WorkflowStartedSerializer,
)
from planner.capacity import SIMULATIONS, Busy, OverBudget
from planner.models import Workflow
from planner.season import exports, weekly, workflows
from planner.season.parameters import season_parameter_set
from planner.season.selectors import workflow_results
from planner.season.states import SeasonConflict
from planner.season.whatif import season_what_if
from planner.season.workflows import Keep
from shared.answers import described
from shared.imports import reject_if_too_large
from shared.models import Category


class SimulationStopped(APIException):
    """A what-if run went past SIMULATION_SECONDS and its process was stopped."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "simulation_stopped"


def _started(workflow: Workflow) -> Response:
    body = {
        "workflow_id": workflow.pk,
        "status": workflow.status,
        "websocket_url": f"/api/workflows/{workflow.pk}/stream",
    }
    return Response(WorkflowStartedSerializer(body).data, status=status.HTTP_201_CREATED)


class StartForecastView(APIView):
    """Start a pre-season workflow for a category with confirmed season parameters. Returns at
    once; follow the WebSocket at `websocket_url` or poll `GET /api/workflows/{id}`."""

    @extend_schema(request=StartForecastSerializer, responses={201: WorkflowStartedSerializer})
    def post(self, request: Request) -> Response:
        form = StartForecastSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        category = Category.objects.filter(slug=form.validated_data["category"]).first()
        if category is None:
            known = ", ".join(Category.objects.values_list("slug", flat=True)) or "none yet"
            slug = form.validated_data["category"]
            raise NotFound(f"No category '{slug}' (known: {known}).")
        parameters = season_parameter_set(form.validated_data["parameters"])
        workflow = workflows.workflow_start_forecast(
            category=category,
            parameters=parameters,
            extraction_id=form.validated_data.get("extraction_id"),
        )
        return _started(workflow)


class StartReforecastView(APIView):
    """Record a re-forecast of a season by hand (the rule records one automatically; the plan
    follows the evidence every week either way): the latest week is re-run with the revision
    and its reason, and the plan in force is returned. A revision of the season, not a new one."""

    @extend_schema(request=StartReforecastSerializer, responses={201: ReforecastStartedSerializer})
    def post(self, request: Request) -> Response:
        form = StartReforecastSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        forecast = forecast_by_id(form.validated_data["forecast_id"])
        if forecast.workflow_id is None:
            raise SeasonConflict(f"Forecast {forecast.pk} belongs to no season.")
        plan = weekly.revision_request(
            workflow_id=forecast.workflow_id, reason=form.validated_data["reason"]
        )
        body = {
            "workflow_id": plan.workflow_id,
            "forecast_id": plan.pk,
            "version": plan.version,
            "total_units": plan.total_units,
            "websocket_url": f"/api/workflows/{plan.workflow_id}/stream",
        }
        return Response(
            described(ReforecastStartedSerializer, body), status=status.HTTP_201_CREATED
        )


class WorkflowViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Seasons with where they stand (status, week, the decision they wait for) and progress."""

    serializer_class = WorkflowSerializer
    queryset = Workflow.objects.all()
    filterset_fields = ["status", "category"]
    throttle_scope: str | None = None  # the what-if sets "simulations"

    @extend_schema(responses={200: WorkflowResultsSerializer})
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        """Ids and headline figures of what the workflow produced."""
        workflow = self.get_object()
        return Response(described(WorkflowResultsSerializer, workflow_results(workflow)))

    @extend_schema(request=WhatIfSerializer, responses={200: WhatIfComparisonSerializer})
    @action(detail=True, methods=["post"], url_path="what-if", throttle_scope="simulations")
    def what_if(self, request: Request, pk: str | None = None) -> Response:
        """What the plan, a push baseline, the recommended policy and your choice would earn:
        each played over demand paths through the weekly loop, P10/P50/P90 and mean of sales,
        lost sales, revenue, margin, leftovers, stockouts and DC shipments. Commits nothing.
        409 before the order is proposed; 429 with Retry-After while the caller's previous
        run goes on or the server runs SIMULATIONS_PER_PROCESS of them; 503 when a run goes
        past SIMULATION_SECONDS (it runs in a child process, which is stopped)."""
        form = WhatIfSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        overrides = {key: data[key] for key in WhatIfSerializer.OVERRIDES if key in data}
        workflow_id = self.get_object().pk
        try:
            with SIMULATIONS.slot(request.user.pk):
                answer = season_what_if(
                    workflow_id=workflow_id,
                    overrides=overrides,
                    paths=data["paths"],
                    search_paths=data["search_paths"],
                    seed=data["seed"],
                )
        except Busy as busy:
            raise Throttled(wait=busy.retry_after, detail=str(busy)) from None
        except OverBudget as over:
            raise SimulationStopped(str(over)) from None
        return Response(described(WhatIfComparisonSerializer, answer))

    @extend_schema(
        parameters=[
            OpenApiParameter("what", str, OpenApiParameter.PATH, enum=list(exports.TABLES)),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(exports.FORMATS)),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"exports/(?P<what>weeks|plan|report)\.(?P<fmt>csv|xlsx)",
    )
    def export(
        self, request: Request, pk: str | None = None, what: str = "", fmt: str = ""
    ) -> HttpResponse:
        """The weekly table, the plan in force week by week with its 80 and 95 % bands, or
        the season report, as CSV or an Excel workbook (the figures of the season page).
        409 while the season has no such table (no plan yet; no report before the last
        week)."""
        table = exports.season_table(self.get_object(), what)
        response = HttpResponse(exports.rendered(table, fmt), content_type=exports.FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="season-{pk}-{what}.{fmt}"'
        return response

    @extend_schema(request=None, responses={200: WorkflowSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ApproverPermission])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel a season that is not over: nothing more runs or can be uploaded; what it
        stored stays. 409 for a season already closed, failed or cancelled."""
        workflow = workflows.season_cancel(workflow_id=self.get_object().pk)
        return Response(WorkflowSerializer(workflow).data)


class ManufacturingApprovalView(APIView):
    """`accept` commits the manufacturing order; `modify` recomputes it at another safety
    stock (0.10-0.30), DC holdback, replenishment cadence or markdown threshold (null: no
    markdown) and asks again. 409 when the workflow is not waiting for it."""

    permission_classes = [ApproverPermission]

    @extend_schema(request=ManufacturingApprovalSerializer, responses={200: WorkflowSerializer})
    def post(self, request: Request) -> Response:
        form = ManufacturingApprovalSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            workflow = workflows.approve_manufacturing(
                workflow_id=form.validated_data["workflow_id"],
                action=form.validated_data["action"],
                safety_stock_pct=form.validated_data.get("safety_stock_pct"),
                dc_holdback_pct=form.validated_data.get("dc_holdback_pct"),
                replenishment_strategy=form.validated_data.get("replenishment_strategy"),
                markdown_threshold=form.validated_data.get("markdown_threshold", Keep.KEEP),
            )
        except workflows.ParameterRefused as refused:
            raise serializers.ValidationError({refused.field: [str(refused)]}) from None
        workflow.refresh_from_db()
        return Response(WorkflowSerializer(workflow).data)


class MarkdownApprovalView(APIView):
    """`accept` decides the recommended markdown or the depth given (`markdown_pct`), a fact
    from then on, and the plan in force carries its lift; `decline` refuses any markdown
    (stored as declined); `modify` recomputes the seed's rule at another elasticity (1.0-3.0),
    prices the options again and asks again."""

    permission_classes = [ApproverPermission]

    @extend_schema(request=MarkdownApprovalSerializer, responses={200: MarkdownSummarySerializer})
    def post(self, request: Request) -> Response:
        form = MarkdownApprovalSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decision = weekly.markdown_decide(
            workflow_id=form.validated_data["workflow_id"],
            action=form.validated_data["action"],
            elasticity=form.validated_data.get("elasticity_coefficient"),
            markdown_pct=form.validated_data.get("markdown_pct"),
        )
        return Response(described(MarkdownSummarySerializer, markdown_summary(decision)))


class ReplenishmentApprovalView(APIView):
    """Approve a week's proposed replenishment shipments, with lines changed (`lines`: units per
    store, 0 rejects a line) or the whole proposal rejected (`action: reject`). 400 names a
    line that does not exist or DC lines that ask for more than the DC holds; nothing is
    written then."""

    permission_classes = [ApproverPermission]

    @extend_schema(
        request=ReplenishmentApprovalSerializer, responses={200: ReplenishmentDecidedSerializer}
    )
    def post(self, request: Request) -> Response:
        form = ReplenishmentApprovalSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        workflow_id, week = form.validated_data["workflow_id"], form.validated_data["week_number"]
        try:
            approved, rejected = weekly.replenishment_approve(
                workflow_id=workflow_id,
                week_number=week,
                units=form.changes(),
                reject=form.validated_data["action"] == "reject",
            )
        except ShipmentEditRefused as refused:
            raise ValidationError({"lines": [str(refused)]}) from None
        answer = {
            "workflow_id": workflow_id,
            "week_number": week,
            "approved_shipments": approved,
            "rejected_shipments": rejected,
        }
        return Response(described(ReplenishmentDecidedSerializer, answer))


class WeeklySalesUploadView(APIView):
    """Week N's sales (`date,store_id,quantity_sold` daily rows or
    `store_id,week_number,units_sold`): the ledger, variance against the week's plan of
    record, the level update (and a revision when the rule fires), the replenishment proposal
    and, at the checkpoint, the markdown recommendation. 409 when the season cannot take the
    week now (weeks go in order; one upload of a week at a time; not while a markdown waits)."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "uploads"

    @extend_schema(
        request={"multipart/form-data": WeeklyUploadSerializer},
        responses={200: WeekUploadedSerializer},
    )
    def post(self, request: Request) -> Response:
        form = WeeklyUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data: dict[str, Any] = form.validated_data
        upload = data["file"]
        reject_if_too_large(upload.size, what="weekly sales", max_bytes=settings.UPLOAD_MAX_BYTES)
        outcome = weekly.week_upload(
            workflow_id=data["workflow_id"],
            week_number=data["week_number"],
            raw=upload.read(),
            replace=data["replace"],
        )
        return Response(described(WeekUploadedSerializer, outcome))


class AgentStepView(APIView):
    """Run one agent step of a workflow directly: `demand` (forecast), `inventory` (clusters
    and allocation) or `pricing` (markdown plan). Reuses what the workflow already produced."""

    agent = ""

    @extend_schema(request=AgentStepRequestSerializer, responses={200: AgentStepSerializer})
    def post(self, request: Request) -> Response:
        form = AgentStepRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        answer = workflows.agent_step_run(
            workflow_id=form.validated_data["workflow_id"], agent=self.agent
        )
        return Response(described(AgentStepSerializer, answer))
