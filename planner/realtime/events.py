"""Publishing workflow events: stored in order, then sent to the workflow's group after commit
(Zulip's send_event_on_commit). Domain code calls `event_publish`; it never imports Channels."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from planner.models import Workflow, WorkflowEvent
from planner.realtime.stream import build_message, group_name

logger = logging.getLogger(__name__)


# The loop that serves the WebSocket consumers (registered when one connects). The in-memory
# channel layer keeps asyncio queues of that loop; a send from a workflow thread through
# async_to_sync would run on another loop and wake no one, so it is handed to this loop.
_stream_loop: asyncio.AbstractEventLoop | None = None


def register_stream_loop(loop: asyncio.AbstractEventLoop) -> None:
    global _stream_loop
    _stream_loop = loop


def _send(message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    group = group_name(message["workflow_id"])
    event = {"type": "workflow.event", "message": message}
    loop = _stream_loop
    try:
        if isinstance(layer, InMemoryChannelLayer) and loop is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop)
        else:
            async_to_sync(layer.group_send)(group, event)
    except Exception:  # a broken layer must not fail the workflow: clients replay on connect
        logger.exception("could not send event %s", message["type"])


def event_publish(
    *, workflow: Workflow, kind: str, agent: str = "", **fields: Any
) -> WorkflowEvent:
    """Stores the next event of `workflow` and sends it once the transaction commits."""
    if agent:
        fields["agent"] = agent
    with transaction.atomic():
        last = workflow.events.aggregate(last=Max("sequence"))["last"] or 0
        message = build_message(
            kind,
            workflow_id=workflow.pk,
            sequence=last + 1,
            timestamp=timezone.now(),
            **fields,
        )
        event = WorkflowEvent.objects.create(
            workflow=workflow, sequence=last + 1, type=kind, agent=agent, payload=message
        )
        transaction.on_commit(lambda: _send(message))
    return event
