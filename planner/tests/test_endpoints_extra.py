"""Heartbeat, browsable API pages, and the remaining endpoints' error paths."""

import asyncio

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from planner.models import WorkflowEvent
from planner.tests.streams import stream_client
from planner.tests.test_workflows import start

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


@override_settings(WORKFLOW_EXECUTION="inline")
def test_browsable_api_renders_every_read_endpoint(season_data, api_client: APIClient) -> None:
    workflow_id = start(api_client)["workflow_id"]
    api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept"},
        format="json",
    )
    forecast_id = api_client.get("/api/forecasts").json()["results"][0]["id"]
    paths = [
        "/api/health",
        "/api/categories",
        "/api/stores",
        "/api/stores/clusters",
        "/api/workflows",
        f"/api/workflows/{workflow_id}",
        f"/api/workflows/{workflow_id}/results",
        "/api/forecasts",
        f"/api/forecasts/{forecast_id}",
        f"/api/allocations/{forecast_id}",
        f"/api/markdowns/{forecast_id}",
        "/api/parameters/extract",
        "/api/workflows/forecast",
        "/api/approvals/manufacturing",
        "/api/data/upload-weekly-sales",
    ]
    for path in paths:
        response = api_client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 405), path
        assert response["Content-Type"].startswith("text/html"), path


@override_settings(WORKFLOW_EXECUTION="inline")
def test_reforecast_and_variance_error_paths(season_data, api_client: APIClient) -> None:
    workflow_id = start(api_client)["workflow_id"]
    forecast_id = api_client.get("/api/forecasts").json()["results"][0]["id"]

    unknown = api_client.post(
        "/api/workflows/reforecast", {"forecast_id": 999, "reason": "x"}, format="json"
    )
    no_actuals = api_client.post(
        "/api/workflows/reforecast", {"forecast_id": forecast_id, "reason": "x"}, format="json"
    )
    no_week = api_client.get(f"/api/variance/{forecast_id}/week/3")
    no_allocation = api_client.get("/api/allocations/999")
    replenish = api_client.post(
        "/api/approvals/replenishment",
        {"workflow_id": workflow_id, "week_number": 2},
        format="json",
    )

    assert (unknown.status_code, unknown.json()["message"]) == (404, "No forecast with id 999.")
    assert no_actuals.status_code == 409
    assert no_actuals.json()["message"] == (
        f"Season {workflow_id} has no actuals yet; nothing to re-forecast."
    )
    assert no_week.status_code == 404
    assert no_week.json()["message"] == (
        f"Week 3 of forecast {forecast_id}'s season has no actuals yet."
    )
    assert no_allocation.status_code == 404
    assert replenish.status_code == 409
