"""The WebSocket message schemas, in one place.

Every message has `type`, `workflow_id`, an ISO `timestamp` and its `sequence` in the
workflow's stream, plus the fields of its type. A `heartbeat` keeps idle connections open; it
is not one of the six event types and is never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

MESSAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "agent_started": ("agent",),
    "agent_progress": ("agent", "message", "progress_pct"),
    "agent_completed": ("agent", "duration_seconds", "result"),
    "human_input_required": ("agent", "action", "data", "options"),
    "workflow_complete": ("duration_seconds", "result"),
    "error": ("agent", "error_message"),
}
COMMON_FIELDS = ("type", "workflow_id", "timestamp", "sequence")
HEARTBEAT = "heartbeat"


def validate_message(message: dict[str, Any]) -> None:
    """Raises ValueError when `message` is not one of the six types with exactly its fields."""
    kind = message.get("type")
    if kind not in MESSAGE_FIELDS:
        raise ValueError(f"unknown message type {kind!r}")
    expected = set(COMMON_FIELDS) | set(MESSAGE_FIELDS[kind])
    if set(message) != expected:
        missing, extra = expected - set(message), set(message) - expected
        raise ValueError(f"{kind}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    if not isinstance(message["workflow_id"], int) or not isinstance(message["sequence"], int):
        raise ValueError(f"{kind}: workflow_id and sequence must be integers")
    dt.datetime.fromisoformat(message["timestamp"])
    if kind == "agent_progress" and not 0 <= message["progress_pct"] <= 100:
        raise ValueError("agent_progress: progress_pct must be 0-100")


def build_message(
    kind: str, *, workflow_id: int, sequence: int, timestamp: dt.datetime, **fields: Any
) -> dict[str, Any]:
    message = {
        "type": kind,
        "workflow_id": workflow_id,
        "timestamp": timestamp.isoformat(),
        "sequence": sequence,
        **fields,
    }
    validate_message(message)
    return message


def heartbeat(workflow_id: int, timestamp: dt.datetime) -> dict[str, Any]:
    return {"type": HEARTBEAT, "workflow_id": workflow_id, "timestamp": timestamp.isoformat()}


def group_name(workflow_id: int) -> str:
    return f"workflow_{workflow_id}"
