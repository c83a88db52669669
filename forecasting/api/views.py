from rest_framework import viewsets

from forecasting.api.serializers import ForecastDetailSerializer, ForecastListSerializer
from forecasting.models import Forecast


class ForecastViewSet(viewsets.ReadOnlyModelViewSet):
    """Forecast versions; the detail has the weekly curve, 80/95 % bounds, every member and
    the cluster split."""

    filterset_fields = ["category", "workflow", "method"]
    ordering_fields = ["created_at", "version"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if self.action == "retrieve":
            return Forecast.objects.prefetch_related("weeks")
        return Forecast.objects.all()

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return ForecastDetailSerializer if self.action == "retrieve" else ForecastListSerializer
