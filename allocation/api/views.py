from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError

from allocation import selectors
from allocation.api.serializers import StoreClusterSerializer


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
        if run is not None and not run.isdigit():
            raise ValidationError({"run": "must be a clustering run id (a whole number)"})
        return selectors.clusters_of_run(run_id=int(run) if run else None)
