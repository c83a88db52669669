"""The one shape of every API error, used by the middleware, the REST framework's handler and
any app's own views."""

from __future__ import annotations

from django.http import HttpRequest


def error_body(request: HttpRequest, status: int, message: str, **extra: object) -> dict:
    """The one shape of every API error: a message a person can act on, and the request id."""
    return {
        "status": status,
        "message": message,
        **extra,
        "request_id": getattr(request, "request_id", ""),
    }
