"""The workflow stream: replay of stored events on connect, then live events."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from planner import selectors
from planner.access import user_can
from planner.choices import AgentName
from planner.realtime.events import register_stream_loop
from planner.realtime.stream import build_message, group_name, heartbeat

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_UNKNOWN_WORKFLOW = 4404


@database_sync_to_async
def _access(user: Any) -> int | None:
    """The close code that refuses this user, or None when they may watch workflows."""
    if user is None or not user.is_authenticated:
        return CLOSE_UNAUTHENTICATED
    return None if user_can(user, "view") else CLOSE_FORBIDDEN


class RefusingConsumer(AsyncJsonWebsocketConsumer):
    """Closes with a code and a reason; the reason also goes out first as an `error` message,
    because some servers (daphne) drop close reasons and only the code reaches the client."""

    workflow_id = 0

    async def refuse(self, code: int, reason: str) -> None:
        message = build_message(
            "error",
            workflow_id=self.workflow_id,
            sequence=0,  # not a stored event of the stream
            timestamp=timezone.now(),
            agent=AgentName.ORCHESTRATOR,
            error_message=f"{reason} (close code {code})",
        )
        await self.send_json(message)
        await self.close(code=code, reason=reason)


class UnknownStreamConsumer(RefusingConsumer):
    """Any WebSocket path that is not a season's stream."""

    async def connect(self) -> None:
        await self.accept()
        path = self.scope.get("path", "")
        await self.refuse(
            CLOSE_UNKNOWN_WORKFLOW, f"no stream at {path}; use /api/workflows/ID/stream"
        )


class WorkflowStreamConsumer(RefusingConsumer):
    async def connect(self) -> None:
        register_stream_loop(asyncio.get_running_loop())
        self.workflow_id = int(self.scope["url_route"]["kwargs"]["workflow_id"])
        self.last_sequence = 0
        self.heartbeat_task: asyncio.Task[None] | None = None
        await self.accept()
        refused = await _access(self.scope.get("user"))
        if refused is not None:
            reason = "sign in or send a token" if refused == CLOSE_UNAUTHENTICATED else "no role"
            await self.refuse(refused, reason)
            return
        if not await database_sync_to_async(selectors.workflow_exists)(self.workflow_id):
            await self.refuse(CLOSE_UNKNOWN_WORKFLOW, f"no workflow with id {self.workflow_id}")
            return
        # Join first, then replay: an event sent in between arrives live and is skipped by
        # sequence if the replay already had it.
        await self.channel_layer.group_add(group_name(self.workflow_id), self.channel_name)
        for message in await database_sync_to_async(selectors.workflow_messages)(self.workflow_id):
            await self._forward(message)
        self.heartbeat_task = asyncio.create_task(self._heartbeat())

    async def disconnect(self, code: int) -> None:
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
        await self.channel_layer.group_discard(group_name(self.workflow_id), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        return None  # the stream is one-way; approvals go through the REST API

    async def workflow_event(self, event: dict[str, Any]) -> None:
        await self._forward(event["message"])

    async def _forward(self, message: dict[str, Any]) -> None:
        if message["sequence"] <= self.last_sequence:
            return
        self.last_sequence = message["sequence"]
        await self.send_json(message)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(settings.WEBSOCKET_HEARTBEAT_SECONDS)
            await self.send_json(heartbeat(self.workflow_id, timezone.now()))
