"""Which browser pages may open a stream: the same origin as the server, port included.

Channels' AllowedHostsOriginValidator compares the Origin's host with ALLOWED_HOSTS and ignores
the port, so a page served by another program on the same host (another port) could open a
stream with the user's session cookie. Here the Origin must match the Host the connection came
to (scheme's default ports filled in), or be one of the configured trusted origins.

A connection with no Origin at all is a script, not a page (browsers always send Origin on
a WebSocket, and cannot set an Authorization header): it is let through when it carries an
API token (`Authorization: Token ...`), and refused otherwise, since a session cookie alone
says nothing about who opened the connection.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _netloc(host: str, port: int | None, scheme: str) -> tuple[str, int]:
    return host.lower(), port or DEFAULT_PORTS.get(scheme, 80)


def same_origin(origin: str, host_header: str, scheme: str) -> bool:
    """Whether `origin` (http(s)://host[:port]) is the server the `Host` header names."""
    parsed = urlsplit(origin)
    served = urlsplit(f"//{host_header}")
    if not parsed.hostname or not served.hostname:
        return False
    web_scheme = "https" if scheme in ("https", "wss") else "http"
    return _netloc(parsed.hostname, parsed.port, parsed.scheme) == _netloc(
        served.hostname, served.port, web_scheme
    )


class SameOriginValidator:
    """ALLOWED_HOSTS as Channels checks it, then the same-origin rule above; a script with a
    token and no Origin goes straight to the authentication."""

    def __init__(self, application: Any) -> None:
        self.scripted = application
        self.application = AllowedHostsOriginValidator(application)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        if b"origin" not in headers and headers.get(b"authorization", b"").startswith(b"Token "):
            return await self.scripted(scope, receive, send)
        origin = headers.get(b"origin", b"").decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1")
        trusted = {*settings.CSRF_TRUSTED_ORIGINS, *settings.CORS_ALLOWED_ORIGINS}
        foreign = origin and host and origin not in trusted
        if foreign and not same_origin(origin, host, scope.get("scheme", "ws")):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
