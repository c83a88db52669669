"""Reads of the planner core that views and other apps call."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.db.models import Max, Min, OuterRef, QuerySet, Subquery, Sum

from planner.models import Workflow, WorkflowEvent
from shared.models import Category, HistoricalSale


def category_list() -> QuerySet[Category]:
    """Categories with the first and last date of their history: two index seeks on
    (category, date) per category, not a scan of every history row."""
    dates = HistoricalSale.objects.filter(category=OuterRef("pk")).values("date")
    return Category.objects.annotate(
        history_start=Subquery(dates.order_by("date")[:1]),
        history_end=Subquery(dates.order_by("-date")[:1]),
    ).order_by("name")


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


def category_units_a_year_before(category_id: str, starts: list[dt.date]) -> list[int | None]:
    """The category's units sold in the 52 weeks (364 days) before each week that starts on
    `starts` (consecutive weeks): last year's same weeks, with the same weekdays. None for a
    week the history does not cover whole."""
    if not starts:
        return []
    first = starts[0] - dt.timedelta(days=364)
    end = first + dt.timedelta(days=7 * len(starts))
    rows = HistoricalSale.objects.filter(category_id=category_id)
    covered = rows.aggregate(first=Min("date"), last=Max("date"))
    if covered["first"] is None:
        return [None] * len(starts)
    units: list[int | None] = [0] * len(starts)
    by_date = (
        rows.filter(date__gte=first, date__lt=end)
        .values("date")
        .annotate(units=Sum("quantity_sold"))
    )
    for row in by_date:
        index = (row["date"] - first).days // 7
        units[index] = (units[index] or 0) + int(row["units"])
    for index in range(len(starts)):
        week_first = first + dt.timedelta(days=7 * index)
        if week_first < covered["first"] or week_first + dt.timedelta(days=6) > covered["last"]:
            units[index] = None
    return units
