from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasting.selectors import forecast_by_id, forecast_identity, root_forecast
from markdowns.api.serializers import SeasonMarkdownsSerializer
from markdowns.models import MarkdownDecision
from markdowns.selectors import markdown_summary
from shared.answers import described


class MarkdownListView(APIView):
    """The markdown decisions of a forecast's season, with their options and figures. Takes a
    forecast id, any version of the season; the answer names it (`forecast_id`,
    `forecast_version`), its season (`workflow_id`) and the pre-season forecast
    (`season_forecast_id`)."""

    @extend_schema(responses={200: SeasonMarkdownsSerializer})
    def get(self, request: Request, forecast_id: int) -> Response:
        forecast = forecast_by_id(forecast_id)
        decisions = MarkdownDecision.objects.filter(forecast=root_forecast(forecast))
        answer = {
            **forecast_identity(forecast),
            "markdowns": [markdown_summary(d) for d in decisions],
        }
        return Response(described(SeasonMarkdownsSerializer, answer))
