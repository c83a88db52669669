from collections.abc import Callable
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from allocation import selectors as allocation_selectors
from planner import selectors
from planner.api.answers import LivenessSerializer
from planner.api.permissions import RolePermission
from planner.api.serializers import (
    CategoryEconomicsSerializer,
    CategorySerializer,
    HealthSerializer,
    ImportSummarySerializer,
    StoreSerializer,
    UploadSerializer,
)
from planner.capacity import LARGE_UPLOADS, Busy
from planner.filters import StoreFilter
from season_agents.services import llm_status
from shared import selectors as shared_selectors
from shared import services
from shared.answers import described
from shared.imports import reject_if_too_large


class LivenessView(APIView):
    """The process answers (for a supervisor's restart decision); checks nothing else."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: LivenessSerializer})
    def get(self, request: Request) -> Response:
        return Response(described(LivenessSerializer, {"status": "ok"}))


class HealthView(APIView):
    """Readiness: the database reads and writes, the channel layer round-trips (503 if any
    fails); also whether an LLM is configured. Liveness alone is `/api/health/live`."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "check", str, description="`llm` also asks the model endpoint whether it answers."
            )
        ],
        responses={200: HealthSerializer, 503: HealthSerializer},
    )
    def get(self, request: Request) -> Response:
        database = selectors.database_status()
        channel_layer = selectors.channel_layer_status()
        healthy = bool(database["ok"] and channel_layer["ok"])
        body = {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "channel_layer": channel_layer,
            "llm": llm_status(check=request.query_params.get("check") == "llm"),
        }
        return Response(body, status=status.HTTP_200_OK if healthy else 503)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Product categories detected from imported history, with the economics the what-if and
    the markdown prices use."""

    serializer_class = CategorySerializer
    lookup_field = "slug"
    search_fields = ["name"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return shared_selectors.category_list()

    @extend_schema(request=CategoryEconomicsSerializer, responses={200: CategorySerializer})
    @action(detail=True, methods=["put"], permission_classes=[RolePermission])
    def economics(self, request: Request, slug: str | None = None) -> Response:
        """Sets the category's economics (planner role; null: the default), checked together
        with the defaults the fields left empty take, as on the season page: 400 and nothing
        saved when they do not hold together."""
        category = self.get_object()
        form = CategoryEconomicsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            services.category_economics_set(
                category_id=category.pk,
                price=data["price"],
                unit_cost=data["unit_cost"],
                salvage_value=data["salvage_value"],
                shipment_cost=data["shipment_cost"] or Decimal(0),
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        category.refresh_from_db()
        return Response(CategorySerializer(category).data)


class StoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Stores with their attributes and current cluster; filter by tier, region, format."""

    serializer_class = StoreSerializer
    filterset_class = StoreFilter
    search_fields = ["id", "name", "region"]
    ordering_fields = ["id", "name", "avg_weekly_sales_12mo", "size_sqft", "foot_traffic"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return allocation_selectors.store_list().values(*StoreSerializer.value_keys())


_UPLOAD_SCHEMA: dict[str, Any] = {
    "request": {"multipart/form-data": UploadSerializer},
    "responses": {
        200: ImportSummarySerializer,
        400: OpenApiResponse(description="Rejected whole; `errors` lists rows and columns."),
        413: OpenApiResponse(description="File larger than UPLOAD_MAX_BYTES."),
    },
}


class _UploadView(APIView):
    """Thin entry point: parse the multipart form, call the import service, render."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "uploads"
    what: str
    service: Callable[..., services.ImportSummary]

    def _import(self, request: Request) -> Response:
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        reject_if_too_large(upload.size, what=self.what, max_bytes=settings.UPLOAD_MAX_BYTES)
        large = upload.size > settings.LARGE_UPLOAD_BYTES
        try:
            with LARGE_UPLOADS.slot(request.user.pk) if large else nullcontext():
                summary = type(self).service(raw=upload.file)
        except Busy as busy:
            raise Throttled(wait=busy.retry_after, detail=str(busy)) from None
        return Response(ImportSummarySerializer(summary.as_dict()).data)


class HistoricalSalesUploadView(_UploadView):
    """Import `date,store_id,category,quantity_sold,revenue` rows (daily or weekly).

    The file is validated whole; any problem rejects it and lists every problem by row,
    column and value. Re-importing the same file changes nothing.
    """

    what = "historical sales"
    service = staticmethod(services.history_import)

    @extend_schema(**_UPLOAD_SCHEMA)
    def post(self, request: Request) -> Response:
        return self._import(request)


class StoreAttributesUploadView(_UploadView):
    """Create or update stores from a store attributes CSV (only `store_id` is required)."""

    what = "store attributes"
    service = staticmethod(services.stores_import)

    @extend_schema(**_UPLOAD_SCHEMA)
    def post(self, request: Request) -> Response:
        return self._import(request)
