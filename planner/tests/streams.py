"""Opening workflow streams in tests through the production WebSocket stack."""

from __future__ import annotations

from channels.testing import WebsocketCommunicator

from planner.realtime.routing import websocket_application


def stream_client(
    path: str, token: str | None = None, origin: str = "http://127.0.0.1"
) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())]
    if token is not None:
        headers.append((b"authorization", f"Token {token}".encode()))
    return WebsocketCommunicator(websocket_application, path, headers=headers)
