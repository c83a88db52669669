"""Request logging with a request id, and JSON errors for everything under /api/."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from shared.errors import error_body

logger = logging.getLogger("planner.requests")

REQUEST_ID_HEADER = "X-Request-ID"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RequestLogMiddleware:
    """Logs method, path, status and duration; returns the request id in `X-Request-ID`.

    A caller's own `X-Request-ID` is kept (so ids can follow a request across services).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        response[REQUEST_ID_HEADER] = request_id
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms id=%s",
            request.method,
            request.get_full_path(),
            response.status_code,
            duration_ms,
            request_id,
        )
        return response


_DEFAULT_MESSAGES = {
    400: "The request is malformed.",
    403: "You are not allowed to do this.",
    404: "Nothing exists at {path}. See /docs for the API's paths.",
    405: "{method} is not allowed on {path}.",
    413: "The request body is too large.",
    500: "The server failed to handle this request; it has been logged with its request id.",
}


class ApiJsonErrorMiddleware:
    """Turns any non-JSON error response under /api/ (Django's 404 and 500 pages, in DEBUG
    too) into the JSON error shape, and logs unhandled exceptions with the request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if hasattr(response, "accepted_renderer"):
            return response  # DRF rendered it: the browsable API's HTML page (with its form)
        status = response.status_code
        template = _DEFAULT_MESSAGES.get(status, "The request failed.")
        message = template.format(path=request.path, method=request.method)
        return JsonResponse(error_body(request, status, message), status=status)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        logger.exception(
            "Unhandled error on %s %s id=%s",
            request.method,
            request.path,
            getattr(request, "request_id", ""),
        )
        body = error_body(request, 500, _DEFAULT_MESSAGES[500])
        return HttpResponse(json.dumps(body), status=500, content_type="application/json")


RETRY_AFTER_SECONDS = 5
_UNAVAILABLE = (
    "The database is busy or unreachable; nothing was saved. Retry in a few seconds (Retry-After)."
)


class DatabaseUnavailableMiddleware:
    """A locked or unreachable database answers 503 with Retry-After instead of a 500.

    Every write runs in a transaction, so the failed request left nothing half-written and
    can simply be sent again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            "database unavailable on %s %s id=%s: %s",
            request.method,
            request.path,
            getattr(request, "request_id", ""),
            exception,
        )
        if _is_api(request):
            response: HttpResponse = JsonResponse(
                error_body(request, 503, _UNAVAILABLE), status=503
            )
        else:
            response = HttpResponse(
                "<!doctype html><title>Busy</title><h1>Try again in a moment</h1>"
                f"<p>{_UNAVAILABLE}</p>",
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
