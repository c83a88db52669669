"""The season's stream (planner.realtime.consumers)."""

import asyncio

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from planner.models import WorkflowEvent
from planner.tests.seasons import start
from planner.tests.streams import stream_client

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(WORKFLOW_EXECUTION="inline", WEBSOCKET_HEARTBEAT_SECONDS=0.05)
def test_an_idle_stream_gets_heartbeats(season_data, api_client: APIClient) -> None:
    workflow_id = start(api_client)["workflow_id"]
    replayed = WorkflowEvent.objects.filter(workflow_id=workflow_id).count()

    async def scenario() -> list[dict]:
        communicator = stream_client(f"/api/workflows/{workflow_id}/stream", api_client.token)
        await communicator.connect()
        messages = [await communicator.receive_json_from(timeout=5) for _ in range(replayed + 2)]
        await communicator.disconnect()
        return messages

    messages = asyncio.run(scenario())

    assert [m["type"] for m in messages[-2:]] == ["heartbeat", "heartbeat"]
    assert messages[-1]["workflow_id"] == workflow_id
