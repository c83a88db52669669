"""Times workflow events from publication to a WebSocket client (in-process ASGI app)."""

import asyncio
import datetime as dt
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from rest_framework.authtoken.models import Token

from planner.access import VIEWERS
from planner.data.throwaway import throwaway_database
from planner.models import SeasonParameters, Workflow
from planner.realtime.events import event_publish
from planner.realtime.routing import websocket_application
from shared.models import Category


class Command(BaseCommand):
    help = (
        "Publish N events from a worker thread, as workflow steps do, to a connected "
        "WebSocket client, and print the latency from the publish call to the client's "
        "receipt (the call includes storing the event). Uses a throwaway database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=200)

    def handle(self, *args: Any, events: int, **options: Any) -> None:
        with throwaway_database("stream_benchmark"):
            latencies = asyncio.run(self._measure(events))
        ms = sorted(1000 * value for value in latencies)
        layer = str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).rsplit(".", 1)[-1]
        p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
        self.stdout.write(
            f"{len(ms)} events, {connection.vendor}, {layer}: "
            f"p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
        )

    async def _measure(self, count: int) -> list[float]:
        def make_workflow() -> tuple[Workflow, str]:
            viewer = User.objects.create_user("benchmark")
            viewer.groups.add(Group.objects.get_or_create(name=VIEWERS)[0])
            token = Token.objects.create(user=viewer)
            category = Category.objects.create(slug="bench", name="Bench")
            parameters = SeasonParameters.objects.create(
                season_start_date=dt.date(2025, 2, 17), season_end_date=dt.date(2025, 5, 11)
            )
            workflow = Workflow.objects.create(category=category, parameters=parameters)
            return workflow, token.key

        # One thread stands for the workflow step that publishes; its connection is closed at
        # the end so the throwaway database can be dropped.
        worker = ThreadPoolExecutor(max_workers=1)
        loop = asyncio.get_running_loop()
        workflow, token = await loop.run_in_executor(worker, make_workflow)
        # The production stack: origin check, token authentication, role check.
        client = WebsocketCommunicator(
            websocket_application,
            f"/api/workflows/{workflow.pk}/stream",
            headers=[
                (b"origin", b"http://127.0.0.1"),
                (b"authorization", f"Token {token}".encode()),
            ],
        )
        connected, _ = await client.connect()
        assert connected

        def publish(index: int) -> None:
            event_publish(
                workflow=workflow,
                kind="agent_progress",
                agent="demand",
                message=f"event {index}",
                progress_pct=index % 100,
            )

        latencies = []
        for index in range(count):
            started = time.perf_counter()
            await loop.run_in_executor(worker, publish, index)
            message = await client.receive_json_from(timeout=5)
            latencies.append(time.perf_counter() - started)
            assert message["message"] == f"event {index}"
        await client.disconnect()
        await loop.run_in_executor(worker, lambda: connection.close())
        worker.shutdown()
        return latencies
