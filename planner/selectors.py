"""Reads of the project: the health of the database and the channel layer, a season's events."""

from __future__ import annotations

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.db.models import Max

from planner.models import Workflow, WorkflowEvent


def database_status() -> dict[str, object]:
    """Whether the database answers a read and takes a write. The write touches one row of
    Django's migration table and is rolled back: a database that reads but refuses writes
    (a read-only file, a full disk, a read replica) is not ready."""
    status: dict[str, object] = {"ok": False, "vendor": connection.vendor, "read": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        status["read"] = True
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE django_migrations SET app = app "
                "WHERE id = (SELECT MIN(id) FROM django_migrations)"
            )
            transaction.set_rollback(True)
    except Exception as exc:  # any driver error means "not usable": report it, don't raise
        return {**status, "write": False, "error": str(exc)}
    return {**status, "ok": True, "write": True}


HEALTH_TIMEOUT_SECONDS = 2.0


async def _channel_layer_round_trip() -> dict[str, object]:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "backend": None, "error": "CHANNEL_LAYERS is not configured"}
    backend = type(layer).__name__
    token = uuid.uuid4().hex
    # A plain channel name, not new_channel()'s process-local one: the Redis layer reads
    # process-local channels through one shared loop, behind every stream consumer's wait.
    channel = f"health.{token}"
    try:
        await layer.send(channel, {"type": "health.ping", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), HEALTH_TIMEOUT_SECONDS)
    except TimeoutError:
        return {
            "ok": False,
            "backend": backend,
            "error": f"no answer in {HEALTH_TIMEOUT_SECONDS} s",
        }
    except Exception as exc:  # a broken layer is a status to report, not a crash
        return {"ok": False, "backend": backend, "error": str(exc)}
    return {"ok": message.get("token") == token, "backend": backend}


def channel_layer_status() -> dict[str, object]:
    """Sends a message to a fresh channel and reads it back."""
    return async_to_sync(_channel_layer_round_trip)()


def workflow_exists(workflow_id: int) -> bool:
    return Workflow.objects.filter(pk=workflow_id).exists()


def last_event_sequence(workflow_id: int) -> int:
    """The sequence of a season's newest stored event (0 before any)."""
    last = WorkflowEvent.objects.filter(workflow_id=workflow_id).aggregate(last=Max("sequence"))
    return int(last["last"] or 0)


def workflow_messages(workflow_id: int) -> list[dict[str, object]]:
    """The stored stream of a workflow, in order, for a replay."""
    return list(
        WorkflowEvent.objects.filter(workflow_id=workflow_id)
        .order_by("sequence")
        .values_list("payload", flat=True)
    )
