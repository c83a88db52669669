"""WebSocket authentication for integrations: `Authorization: Token <key>` on the handshake.

Browsers authenticate with their session cookie (Channels' AuthMiddlewareStack); a script
sends the same API token it uses for REST. Tokens are not accepted in the URL, where proxies
and logs would keep them.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from rest_framework.authtoken.models import Token


@database_sync_to_async
def _token_user(key: str) -> Any | None:
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


class TokenHeaderAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers") or [])
        scheme, _, key = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() == "token" and key:
            user = await _token_user(key.strip())
            if user is not None:
                scope = {**scope, "user": user}
        return await super().__call__(scope, receive, send)
