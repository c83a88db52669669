"""DRF exception handler: every API error in the one JSON shape of planner.middleware."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from forecasting.models import Forecast
from planner.models import Workflow
from shared.conflicts import Conflict
from shared.errors import error_body
from shared.imports import ImportRejected


def _first_message(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        field, value = next(iter(detail.items()))
        inner = _first_message(value)
        return inner if field == "non_field_errors" else f"{field}: {inner}"
    return str(detail)


def _not_found_message(context: dict[str, Any]) -> str | None:
    """'No store with id 'S999'.' for a detail view whose object does not exist."""
    view = context.get("view")
    kwargs = context.get("kwargs") or {}
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    if view is None or lookup not in kwargs or not hasattr(view, "get_queryset"):
        return None
    model = view.get_queryset().model
    field = getattr(view, "lookup_field", "pk")
    field_name = "id" if field == "pk" else field
    return f"No {model._meta.verbose_name} with {field_name} '{kwargs[lookup]}'."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context["request"]
    if isinstance(exc, ImportRejected):
        body = error_body(
            request,
            exc.status,
            exc.message,
            errors=[problem.as_dict() for problem in exc.listed],
            error_count=exc.total,
        )
        return Response(body, status=exc.status)
    if isinstance(exc, Conflict):
        return Response(error_body(request, 409, str(exc)), status=409)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        message = (
            f"Too many parts in one request: at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} "
            f"fields and at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files "
            "(DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_NUMBER_FILES)."
        )
        return Response(error_body(request, 400, message), status=400)
    if isinstance(exc, Workflow.DoesNotExist | Forecast.DoesNotExist):
        return Response(error_body(request, 404, str(exc)), status=404)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unhandled: ApiJsonErrorMiddleware logs it and answers 500
    extra: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        message = _first_message(exc.detail)
        extra["errors"] = exc.detail
    else:
        message = _first_message(response.data.get("detail", exc))
    if isinstance(exc, exceptions.NotFound | Http404):
        explicit = isinstance(exc, exceptions.NotFound) and exc.detail != exc.default_detail
        message = (
            message
            if explicit
            else _not_found_message(context) or f"Nothing exists at {request.path}."
        )
    response.data = error_body(request, response.status_code, message, **extra)
    return response
