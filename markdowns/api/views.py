from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasting.selectors import forecast_by_id, root_forecast
from markdowns.models import MarkdownDecision
from markdowns.selectors import markdown_summary


class MarkdownListView(APIView):
    """The markdown recommendations of a forecast's season, with the formula's figures."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, forecast_id: int) -> Response:
        forecast = forecast_by_id(forecast_id)
        decisions = MarkdownDecision.objects.filter(forecast=root_forecast(forecast))
        return Response(
            {"forecast_id": forecast_id, "markdowns": [markdown_summary(d) for d in decisions]}
        )
