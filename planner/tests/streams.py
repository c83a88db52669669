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


def collect_until(messages: list[dict], message: dict, kind: str) -> bool:
    """One step of waiting on a stream for a message of `kind`: heartbeats are skipped, any
    other message is added to `messages`; True once the wait is over. An error message fails
    the wait at once."""
    if message["type"] == "heartbeat":
        return False
    messages.append(message)
    if message["type"] == "error" and kind != "error":
        raise AssertionError(f"the stream said {message} while waiting for {kind}")
    return message["type"] == kind


def never_came(kind: str, seconds: float, messages: list[dict]) -> AssertionError:
    """The failure of a wait on a stream whose deadline passed."""
    return AssertionError(f"no {kind} within {seconds:.0f} s; the stream said {messages}")
