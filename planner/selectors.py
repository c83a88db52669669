"""Reads of the planner core that views and other apps call."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, OuterRef, QuerySet, Subquery, Sum

from planner.engine.economics import Economics, economics_with_defaults
from planner.models import Workflow, WorkflowEvent
from shared.conflicts import Conflict
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


class EconomicsInvalid(Conflict, ValueError):
    """A category's economics as they will be used (the values set on it with the defaults
    derived from its history) do not hold together: the message says why and where to fix
    them, `problem` says only why. The API answers 409; pages show it with the form."""

    def __init__(self, category: Category, problem: str) -> None:
        super().__init__(
            f"The economics of {category.name} no longer hold together: {problem}. Set the "
            "values on the season page's economics form or PUT /api/categories/"
            f"{category.slug}/economics (empty fields take the defaults derived from history)."
        )
        self.problem = problem


def economics_with_history(
    category: Category,
    *,
    price: float | None,
    unit_cost: float | None,
    salvage_value: float | None,
    shipment_cost: float,
) -> Economics:
    """The economics these values would give the category, the empty ones derived from its
    history revenue / units (kept on the category by the history import) and the PLANNING_*
    shares (planner.engine.economics); raises EconomicsInvalid when the combination does not
    hold together."""
    planning = settings.PLANNING
    revenue = category.history_revenue
    try:
        return economics_with_defaults(
            price=price,
            unit_cost=unit_cost,
            salvage_value=salvage_value,
            shipment_cost=shipment_cost,
            history_revenue=None if revenue is None else float(revenue),
            history_units=float(category.history_priced_units),
            default_price=planning["DEFAULT_PRICE"],
            cost_share=planning["COST_SHARE"],
            salvage_share=planning["SALVAGE_SHARE"],
        )
    except ValueError as error:
        raise EconomicsInvalid(category, str(error)) from None


def economics_of(category: Category) -> Economics:
    """The category's price, unit cost, salvage value and shipment cost: as set on it, else
    from history revenue / units and the PLANNING_* shares. Raises EconomicsInvalid when they
    do not hold together (values set earlier can stop holding as the history changes)."""

    def number(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    return economics_with_history(
        category,
        price=number(category.price),
        unit_cost=number(category.unit_cost),
        salvage_value=number(category.salvage_value),
        shipment_cost=float(category.shipment_cost),
    )


def category_economics(category_id: str) -> Economics:
    """`economics_of` the category with this id."""
    return economics_of(Category.objects.get(pk=category_id))


def usable_economics(category_id: str) -> Economics | None:
    """`category_economics`, or None while they do not hold together (the economics form says
    why): what the season, its money and the work queue price with."""
    try:
        return category_economics(category_id)
    except EconomicsInvalid:
        return None


def category_economics_view(category: Category) -> dict[str, object]:
    """The economics as the API shows them: the values in use with their sources, or the
    problem when they do not hold together."""
    try:
        economics = economics_of(category)
    except EconomicsInvalid as invalid:
        return {"economics": None, "economics_problem": invalid.problem}
    return {
        "economics": {
            "price": economics.price,
            "unit_cost": economics.unit_cost,
            "salvage_value": economics.salvage_value,
            "shipment_cost": economics.shipment_cost,
            "sources": economics.sources,
        },
        "economics_problem": "",
    }


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
