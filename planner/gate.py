"""The ASGI gate in front of Django: request bodies are refused by size and credentials before
they are read.

Django's ASGI handler reads the whole body before any middleware or view runs, so a 200 MB
anonymous POST would be received and spooled before its 401. The gate answers first:

- a body that may exceed `ANONYMOUS_BODY_MAX_BYTES` needs credentials (a session cookie of a
  signed-in user or an API token), else 401;
- no body may exceed `REQUEST_BODY_MAX_BYTES` (the upload limit plus room for the form), else
  413.

A declared `Content-Length` is judged before a byte is read; a chunked body is counted as it
arrives and cut off at the limit. Either way the answer is the API's JSON error, logged with a
request id like every other request.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from http.cookies import CookieError, SimpleCookie
from importlib import import_module
from types import SimpleNamespace
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

logger = logging.getLogger("planner.requests")

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", [])}


def _signed_in(headers: dict[bytes, bytes]) -> bool:
    """Whether the request carries valid credentials: a token, or a signed-in session."""
    authorization = headers.get(b"authorization", b"").decode("latin-1").split()
    if len(authorization) == 2 and authorization[0].lower() == "token":
        try:
            user, _ = TokenAuthentication().authenticate_credentials(authorization[1])
        except AuthenticationFailed:
            return False
        return bool(user.is_active)
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
    except CookieError:
        return False
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(morsel.value)
    return bool(get_user(SimpleNamespace(session=session)).is_authenticated)  # type: ignore[arg-type]


class BodyLimitGate:
    """Wraps the HTTP application; see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.signed_in = sync_to_async(_signed_in)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        declared_header = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        declared = int(declared_header) if declared_header and declared_header.isdigit() else None
        if not chunked and (declared is None or declared <= settings.ANONYMOUS_BODY_MAX_BYTES):
            await self.app(scope, receive, send)
            return
        signed_in = await self.signed_in(headers)
        limit = settings.REQUEST_BODY_MAX_BYTES if signed_in else settings.ANONYMOUS_BODY_MAX_BYTES
        if declared is not None and declared > limit:
            await self._refuse(scope, send, signed_in=signed_in, size=declared, limit=limit)
            return

        received = 0
        refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                refused = True
                await self._refuse(scope, send, signed_in=signed_in, size=None, limit=limit)
                return {"type": "http.disconnect"}  # Django stops reading and sends nothing
            return message

        await self.app(scope, counted, send)

    async def _refuse(
        self, scope: Scope, send: Send, *, signed_in: bool, size: int | None, limit: int
    ) -> None:
        request_id = uuid.uuid4().hex
        what = f"The request body is {size:,} bytes" if size else "The request body passed"
        if signed_in:
            status = 413
            message = f"{what}; the limit is {limit:,} bytes (UPLOAD_MAX_BYTES plus the form)."
        else:
            status = 401
            message = (
                f"{what}; without credentials the limit is {limit:,} bytes. Sign in or send "
                "'Authorization: Token <key>'."
            )
        body = json.dumps({"status": status, "message": message, "request_id": request_id}).encode()
        logger.warning(
            "%s %s %s refused before reading the body id=%s",
            scope.get("method", ""),
            scope.get("path", ""),
            status,
            request_id,
        )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-request-id", request_id.encode()),
                    (b"connection", b"close"),
                    *([] if signed_in else [(b"www-authenticate", b"Token")]),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
