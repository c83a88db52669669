from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from allocation import selectors
from allocation.api.serializers import (
    AllocationSerializer,
    ForecastAllocationSerializer,
    StoreClusterSerializer,
)
from forecasting.api.serializers import ForecastIdentitySerializer
from forecasting.selectors import forecast_by_id, forecast_identity, root_forecast
from shared.answers import described

MAX_ID = 2**63 - 1  # ids are 64-bit; a larger number is no id (SQLite would overflow)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "run",
                OpenApiTypes.INT,
                description="Clustering run id; the latest run when omitted.",
            )
        ]
    )
)
class StoreClusterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Store clusters of the latest clustering run (or `?run=`), with their stores."""

    serializer_class = StoreClusterSerializer
    pagination_class = None  # a run has a handful of clusters
    filter_backends: list = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        run = self.request.query_params.get("run")
        if run is not None and not (run.isdigit() and int(run) <= MAX_ID):
            raise ValidationError({"run": "must be a clustering run id (a whole number)"})
        return selectors.clusters_of_run(run_id=int(run) if run else None)


class AllocationView(APIView):
    """The allocation plan of a forecast's season (held by its pre-season version), with store
    rows and replenishment shipments. Takes a forecast id, any version of the season; the
    answer names it (`forecast_id`, `forecast_version`), its season (`workflow_id`) and the
    pre-season forecast (`season_forecast_id`)."""

    @extend_schema(responses={200: ForecastAllocationSerializer})
    def get(self, request: Request, forecast_id: int) -> Response:
        forecast = forecast_by_id(forecast_id)
        allocation = selectors.allocation_with_lines(forecast_id=root_forecast(forecast).pk)
        if allocation is None:
            raise NotFound(f"Forecast {forecast_id} has no allocation yet.")
        identity = described(ForecastIdentitySerializer, forecast_identity(forecast))
        return Response({**AllocationSerializer(allocation).data, **identity})
