from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from season_agents import services
from season_agents.api.serializers import ExtractRequestSerializer, ExtractResponseSerializer
from season_agents.extraction.types import ParameterOutOfRange
from shared.errors import error_body


class ExtractParametersView(APIView):
    """Extract the season parameters from a plain-English description.

    Unclear input is not an error: the answer carries defaults, `low` confidence and the
    defaulted fields. An out-of-range value (a 60-week season, 120 % holdback) is 422.
    """

    throttle_scope = "extraction"

    @extend_schema(
        request=ExtractRequestSerializer,
        responses={
            200: ExtractResponseSerializer,
            400: OpenApiResponse(description="Empty or longer than 500 characters."),
            422: OpenApiResponse(description="A stated value is out of range; `field` names it."),
        },
        examples=[
            OpenApiExample(
                "Zara-style season",
                value={
                    "user_input": "12-week spring season starting March 1st, no DC holdback, "
                    "no replenishment, markdown at week 6 below 60% sell-through."
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        form = ExtractRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            outcome = services.parameters_extract(text=form.validated_data["user_input"])
        except ParameterOutOfRange as exc:
            body = error_body(request._request, 422, f"{exc}.", field=exc.field)
            return Response(body, status=422)
        parameters = outcome.parameters
        return Response(
            ExtractResponseSerializer(
                {
                    "parameters": parameters.as_dict(),
                    "extractor": outcome.extractor,
                    "extraction_id": outcome.extraction_id,
                    "fallback_reason": outcome.fallback_reason,
                    "needs_confirmation": parameters.extraction_confidence != "high",
                }
            ).data
        )
