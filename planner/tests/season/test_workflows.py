"""Pre-season workflows end to end: API, background steps, stream, approvals, recovery."""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from rest_framework.test import APIClient

from allocation import services as allocation_services
from allocation.models import Allocation, Shipment
from forecasting import services as forecasting_services
from planner.models import SeasonParameters, Workflow
from planner.realtime.stream import validate_message
from planner.season.runner import recover_in_background, workflow_claim, workflows_recover
from planner.season.states import SeasonConflict, transition
from planner.season.steps import workflow_advance
from planner.season.workflows import season_cancel
from planner.tests.factories import WorkflowFactory
from planner.tests.seasons import PARAMETERS, start
from planner.tests.streams import collect_until, never_came, stream_client
from shared.models import Category

pytestmark = pytest.mark.django_db(transaction=True)


async def receive_until(
    communicator: WebsocketCommunicator, kind: str, seconds: float = 300
) -> list[dict]:
    """The stream's messages up to the first of `kind`. Heartbeats keep an idle stream open,
    so the wait has a deadline of its own; an error message ends it at once."""
    messages: list[dict] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = await communicator.receive_json_from(timeout=60)
        if message["type"] != "heartbeat":
            validate_message(message)
        if collect_until(messages, message, kind):
            return messages
    raise never_came(kind, seconds, messages)


def test_preseason_streams_every_agent_pauses_for_approval_and_completes(
    season_data, api_client: APIClient
) -> None:
    async def scenario() -> tuple[list[dict], list[dict], list[dict]]:
        started = await asyncio.to_thread(start, api_client)
        assert started["status"] == "pending"
        assert started["websocket_url"] == f"/api/workflows/{started['workflow_id']}/stream"
        live = stream_client(started["websocket_url"], api_client.token)
        connected, _ = await live.connect()
        assert connected
        before = await receive_until(live, "human_input_required")
        approval = await asyncio.to_thread(
            api_client.post,
            "/api/approvals/manufacturing",
            {"workflow_id": started["workflow_id"], "action": "accept"},
            format="json",
        )
        assert approval.status_code == 200
        after = await receive_until(live, "agent_progress")
        await live.disconnect()

        late = stream_client(started["websocket_url"], api_client.token)
        await late.connect()
        replay = [await late.receive_json_from(timeout=5) for _ in range(len(before + after))]
        await late.disconnect()
        return before, after, replay

    before, after, replay = asyncio.run(scenario())

    assert [(m["type"], m.get("agent")) for m in before] == [
        ("agent_started", "orchestrator"),
        ("agent_completed", "orchestrator"),
        ("agent_started", "demand"),
        ("agent_completed", "demand"),
        ("agent_started", "inventory"),
        ("agent_completed", "inventory"),
        ("human_input_required", "inventory"),
    ]
    demand = before[3]["result"]
    assert demand["mode"] == "deterministic"
    assert demand["total_units"] > 0 and f"{demand['total_units']:,}" in demand["reasoning"]
    question = before[-1]
    assert question["action"] == "approve_manufacturing_order"
    assert question["data"]["manufacturing_qty"] > demand["total_units"]
    assert question["options"]["safety_stock_pct"] == {"min": 0.10, "max": 0.30}
    assert [(m["type"], m.get("agent")) for m in after] == [
        ("agent_started", "pricing"),
        ("agent_completed", "pricing"),
        ("agent_progress", "orchestrator"),  # the season starts; "complete" comes at its end
    ]
    assert replay == before + after
    assert [m["sequence"] for m in replay] == list(range(1, len(replay) + 1))
    allocation = Allocation.objects.get()
    assert allocation.status == "approved"
    assert Shipment.objects.filter(kind="initial").count() == 50


@override_settings(WORKFLOW_EXECUTION="inline")
def test_modify_can_change_the_dc_holdback_as_the_what_if_suggests(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client)["workflow_id"]
    first = Allocation.objects.get()

    modified = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "modify", "dc_holdback_pct": 0.15},
        format="json",
    )
    bad = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "modify", "dc_holdback_pct": 1.5},
        format="json",
    )

    assert modified.status_code == 200, modified.json()
    second = Allocation.objects.get()
    assert second.dc_holdback_pct == 0.15
    assert second.safety_stock_pct == first.safety_stock_pct
    assert second.manufacturing_qty == first.manufacturing_qty
    assert second.dc_holdback_units < first.dc_holdback_units
    assert Workflow.objects.get(pk=workflow_id).parameters.dc_holdback_percentage == 0.15
    assert bad.status_code == 400


@override_settings(WORKFLOW_EXECUTION="inline")
def test_accepting_with_settings_other_than_the_proposed_order_is_refused_and_changes_nothing(
    season_data, api_client: APIClient
) -> None:
    """An accept that carries a holdback, cadence or safety stock the proposal was not computed
    with would commit an order nobody saw: it is a 409 asking for a recompute first."""
    workflow_id = start(api_client)["workflow_id"]
    proposed = Allocation.objects.get()

    refused = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept", "dc_holdback_pct": 0.30},
        format="json",
    )
    same = api_client.post(
        "/api/approvals/manufacturing",
        {
            "workflow_id": workflow_id,
            "action": "accept",
            "dc_holdback_pct": proposed.dc_holdback_pct,
            "safety_stock_pct": proposed.safety_stock_pct,
        },
        format="json",
    )

    assert refused.status_code == 409, refused.json()
    assert (
        "Recompute" in refused.json()["message"] and "30% DC holdback" in refused.json()["message"]
    )
    assert same.status_code == 200, same.json()
    assert Allocation.objects.get().pk == proposed.pk
    assert Workflow.objects.get(pk=workflow_id).parameters.dc_holdback_percentage == (
        proposed.dc_holdback_pct
    )


@override_settings(WORKFLOW_EXECUTION="inline")
def test_modify_takes_the_what_ifs_cadence_and_markdown_threshold(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client)["workflow_id"]
    first_parameters = Workflow.objects.get(pk=workflow_id).parameters

    modified = api_client.post(
        "/api/approvals/manufacturing",
        {
            "workflow_id": workflow_id,
            "action": "modify",
            "replenishment_strategy": "bi-weekly",
            "markdown_threshold": 0.45,
        },
        format="json",
    )
    no_markdown = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "modify", "markdown_threshold": None},
        format="json",
    )
    bad = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "modify", "replenishment_strategy": "daily"},
        format="json",
    )

    assert modified.status_code == 200, modified.json()
    assert no_markdown.status_code == 200, no_markdown.json()
    parameters = Workflow.objects.get(pk=workflow_id).parameters
    assert parameters.replenishment_strategy == "bi-weekly"
    assert (parameters.markdown_checkpoint_week, parameters.markdown_threshold) == (None, None)
    # Parameter rows are never edited in place; the season's first row is as extracted.
    first_parameters.refresh_from_db()
    assert first_parameters.replenishment_strategy == "weekly"
    assert first_parameters.markdown_threshold == 0.60
    assert "bi-weekly replenishment" in Allocation.objects.get().reasoning
    assert bad.status_code == 400
    assert bad.json()["message"].startswith("replenishment_strategy:")


@override_settings(WORKFLOW_EXECUTION="inline")
def test_modify_recomputes_nothing_is_committed_and_double_approval_is_409(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client)["workflow_id"]
    first = Allocation.objects.get()

    modified = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "modify", "safety_stock_pct": 0.30},
        format="json",
    )
    second = Allocation.objects.get()

    assert modified.status_code == 200
    assert modified.json()["status"] == "awaiting_order"
    assert second.pk != first.pk and second.manufacturing_qty > first.manufacturing_qty
    assert second.status == "proposed" and not Shipment.objects.exists()

    out_of_range = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "modify", "safety_stock_pct": 0.5},
        format="json",
    )
    assert out_of_range.status_code == 400

    accepted = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept"},
        format="json",
    )
    again = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept"},
        format="json",
    )
    assert accepted.status_code == 200
    assert again.status_code == 409
    assert again.json()["message"] == (
        f"Season {workflow_id} is in season (week 1 due); no order waits for approval."
    )
    assert Shipment.objects.count() == 50
    results = api_client.get(f"/api/workflows/{workflow_id}/results").json()
    assert results["allocation"]["manufacturing_qty"] == second.manufacturing_qty
    detail = api_client.get(f"/api/workflows/{workflow_id}").json()
    assert (detail["status"], detail["season_week"], detail["progress_pct"]) == ("in_season", 0, 0)
    assert detail["status_text"] == "in season (week 1 due)"


def test_unknown_workflow_stream_closes_with_a_reason(api_client: APIClient) -> None:
    async def scenario():
        communicator = stream_client("/api/workflows/999/stream", api_client.token)
        connected, _ = await communicator.connect()
        said = await communicator.receive_json_from(timeout=5)
        output = await communicator.receive_output(timeout=5)
        return connected, said, output

    connected, said, output = asyncio.run(scenario())

    assert connected
    assert said["error_message"] == "no workflow with id 999 (close code 4404)"
    assert output == {"type": "websocket.close", "code": 4404, "reason": "no workflow with id 999"}


@override_settings(WORKFLOW_EXECUTION="inline")
def test_too_little_history_fails_with_an_error_event(season_data, api_client) -> None:
    workflow_id = start(api_client, season_start_date="2022-06-06")["workflow_id"]

    workflow = Workflow.objects.get(pk=workflow_id)
    assert workflow.status == "failed"
    assert workflow.error == (
        "Women's Dresses has 22 complete weeks of sales history before 2022-06-06; "
        "forecasting needs at least 52."
    )
    error = workflow.events.get(type="error")
    assert error.payload["agent"] == "demand"
    assert error.payload["error_message"] == workflow.error


@override_settings(WORKFLOW_EXECUTION="inline")
def test_unknown_category_and_bad_parameters_are_clear_errors(season_data, api_client) -> None:
    unknown = api_client.post(
        "/api/workflows/forecast", {"category": "shoes", "parameters": PARAMETERS}, format="json"
    )
    late_checkpoint = api_client.post(
        "/api/workflows/forecast",
        {
            "category": "womens-dresses",
            "parameters": {**PARAMETERS, "markdown_checkpoint_week": 14},
        },
        format="json",
    )

    assert unknown.status_code == 404
    assert unknown.json()["message"] == "No category 'shoes' (known: womens-dresses)."
    assert late_checkpoint.status_code == 400
    assert late_checkpoint.json()["message"] == (
        "parameters: markdown_checkpoint_week: must be within the 12 season weeks"
    )
    assert not Workflow.objects.exists()


def test_a_workflow_interrupted_by_a_restart_resumes(season_data, api_client) -> None:
    with override_settings(WORKFLOW_EXECUTION="inline"):
        workflow_id = start(api_client)["workflow_id"]
    workflow = Workflow.objects.get(pk=workflow_id)
    # As if the process died in the middle of the inventory step.
    Allocation.objects.all().delete()
    workflow.status, workflow.current_agent = "planning", "inventory"
    workflow.save()

    with override_settings(WORKFLOW_EXECUTION="inline"):
        resumed = workflows_recover()

    assert resumed == [workflow_id]
    workflow.refresh_from_db()
    assert (workflow.status, workflow.current_agent) == ("awaiting_order", "inventory")
    assert Allocation.objects.count() == 1
    assert workflow.events.filter(type="agent_completed", agent="demand").count() == 1


def test_processes_starting_together_resume_a_workflow_once(season_data) -> None:
    workflow = WorkflowFactory(category=Category.objects.get(slug="womens-dresses"))
    seen = workflow.updated_at

    assert workflow_claim(workflow.pk, seen) is True
    assert workflow_claim(workflow.pk, seen) is False  # the other process saw the same row


@pytest.mark.django_db(transaction=True)
def test_start_up_recovery_runs_outside_the_servers_event_loop(season_data, api_client) -> None:
    with override_settings(WORKFLOW_EXECUTION="inline"):
        workflow_id = start(api_client)["workflow_id"]
    Workflow.objects.filter(pk=workflow_id).update(status="pricing", current_agent="pricing")

    async def server_start() -> None:  # uvicorn imports the app inside its running loop
        with override_settings(WORKFLOW_EXECUTION="inline"):
            await asyncio.to_thread(recover_in_background().join, 120)

    asyncio.run(server_start())

    assert Workflow.objects.get(pk=workflow_id).status == "in_season"


def test_the_agents_sdk_backend_runs_the_steps_and_the_stream_says_so(season_data) -> None:
    import datetime as dt
    import json

    from agents.testing import ScriptedModel, assistant_message, function_call

    from season_agents.runtime import SdkBackend
    from shared.models import Category

    def note(reasoning: str) -> str:
        return json.dumps({"reasoning": reasoning, "stated_figure": None})

    model = ScriptedModel(
        [
            [function_call("review_season_parameters", {}, call_id="c1")],
            [function_call("transfer_to_demand", note("A 12-week spring plan."), call_id="c2")],
            [function_call("forecast_demand", {}, call_id="c3")],
            [function_call("transfer_to_inventory", note("Demand ramps into May."), call_id="c4")],
            [assistant_message("not JSON at all")],  # the inventory agent answers garbage
        ]
    )
    parameters = SeasonParameters.objects.create(
        season_start_date=dt.date(2025, 2, 17),
        season_end_date=dt.date(2025, 5, 11),
        dc_holdback_percentage=0.45,
    )
    workflow = Workflow.objects.create(category=Category.objects.get(), parameters=parameters)

    workflow_advance(workflow.pk, backend=SdkBackend(model))

    completed = {
        e.agent: e.payload["result"] for e in workflow.events.filter(type="agent_completed")
    }
    assert completed["orchestrator"]["mode"] == "llm"
    assert completed["demand"]["reasoning"] == "Demand ramps into May."
    assert completed["inventory"]["mode"] == "deterministic"
    fallback = workflow.events.get(type="agent_progress", agent="inventory").payload["message"]
    assert fallback.startswith("the model failed (")
    assert fallback.endswith("); ran deterministically")
    workflow.refresh_from_db()
    assert workflow.status == "awaiting_order"


@override_settings(WORKFLOW_EXECUTION="inline")
def test_one_agent_step_can_be_run_directly(season_data, api_client: APIClient) -> None:
    workflow_id = start(api_client)["workflow_id"]

    demand = api_client.post(
        "/api/agents/demand/forecast", {"workflow_id": workflow_id}, format="json"
    )
    pricing = api_client.post(
        "/api/agents/pricing/analyze", {"workflow_id": workflow_id}, format="json"
    )
    missing = api_client.post("/api/agents/inventory/allocate", {"workflow_id": 999}, format="json")

    assert demand.status_code == 200
    assert demand.json()["result"]["forecast_id"] == Workflow.objects.get().forecasts.get().pk
    assert demand.json()["mode"] == "deterministic"
    assert pricing.json()["result"]["markdown_checkpoint_week"] == 6
    assert missing.status_code == 404
    assert missing.json()["message"] == "No season with id 999."


@override_settings(WORKFLOW_EXECUTION="inline")
def test_a_direct_demand_step_without_enough_history_is_a_409_not_a_500(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client, season_start_date="2022-03-07")["workflow_id"]

    demand = api_client.post(
        "/api/agents/demand/forecast", {"workflow_id": workflow_id}, format="json"
    )

    assert demand.status_code == 409, demand.json()
    assert "complete weeks of sales history before 2022-03-07" in demand.json()["message"]


@override_settings(WORKFLOW_EXECUTION="inline")
def test_a_season_can_be_cancelled_once_and_then_takes_nothing(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client)["workflow_id"]

    cancelled = api_client.post(f"/api/workflows/{workflow_id}/cancel")
    again = api_client.post(f"/api/workflows/{workflow_id}/cancel")
    accept = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept"},
        format="json",
    )

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert again.status_code == 409
    assert "'cancel' cannot happen now" in again.json()["message"]
    assert accept.status_code == 409
    workflow = Workflow.objects.get(pk=workflow_id)
    assert workflow.finished_at is not None
    assert workflow.transitions.last().event == "cancel"


def test_a_step_that_finishes_after_a_cancel_leaves_the_season_cancelled(season_data) -> None:
    workflow = WorkflowFactory(category=Category.objects.get(slug="womens-dresses"))
    transition(workflow, "start")
    stale = Workflow.objects.get(pk=workflow.pk)  # what a running step holds: "planning"
    transition(workflow, "cancel")

    with pytest.raises(SeasonConflict, match="is cancelled; 'plan ready' cannot happen now"):
        transition(stale, "plan_ready")

    assert Workflow.objects.get(pk=workflow.pk).status == "cancelled"
    assert workflow_advance(workflow.pk).status == "cancelled"  # nothing runs


@override_settings(WORKFLOW_EXECUTION="inline")
def test_a_second_season_over_the_same_dates_is_refused_until_the_first_is_cancelled(
    season_data, api_client: APIClient
) -> None:
    first = start(api_client)["workflow_id"]

    clash = api_client.post(
        "/api/workflows/forecast",
        {"category": "womens-dresses", "parameters": PARAMETERS},
        format="json",
    )
    later = start(api_client, season_start_date="2025-09-01")
    api_client.post(f"/api/workflows/{first}/cancel")
    again = start(api_client)

    assert clash.status_code == 409
    assert clash.json()["message"].startswith(
        f"Season {first} of Women's Dresses (2025-02-17 to 2025-05-11) overlaps these dates"
    )
    assert later["workflow_id"] != first and again["workflow_id"] != first
    assert Workflow.objects.count() == 3


@override_settings(WORKFLOW_EXECUTION="inline")
def test_a_markdown_threshold_without_a_checkpoint_is_a_400_naming_the_field(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client, markdown_checkpoint_week=None)["workflow_id"]

    refused = api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "modify", "markdown_threshold": 0.5},
        format="json",
    )

    assert refused.status_code == 400
    assert "no markdown checkpoint week" in str(refused.json()["errors"]["markdown_threshold"])
    assert Workflow.objects.get(pk=workflow_id).status == "awaiting_order"


@pytest.mark.parametrize("cancel_during", ["forecast", "allocation"])
def test_a_cancel_while_a_step_runs_stores_and_streams_nothing_after_it(
    season_data, monkeypatch: pytest.MonkeyPatch, cancel_during: str
) -> None:
    """The cancel lands while the step computes (as a person's request does, 0.3 s in): the
    step stores nothing and no agent event follows the cancel's."""
    workflow = WorkflowFactory(category=Category.objects.get(slug="womens-dresses"))
    # What each step computes before it stores.
    module, name = (
        (forecasting_services, "forecast_category")
        if cancel_during == "forecast"
        else (allocation_services.fetch, "store_profiles")
    )
    real = getattr(module, name)

    def cancelled_meanwhile(*args, **kwargs):
        if Workflow.objects.get(pk=workflow.pk).status != "cancelled":
            season_cancel(workflow_id=workflow.pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, cancelled_meanwhile)

    workflow_advance(workflow.pk)

    assert Workflow.objects.get(pk=workflow.pk).status == "cancelled"
    assert not Allocation.objects.filter(forecast__workflow=workflow).exists()
    if cancel_during == "forecast":
        assert not workflow.forecasts.exists()
    events = list(workflow.events.order_by("sequence").values_list("type", flat=True))
    assert "error" in events  # the cancel's
    assert events[events.index("error") + 1 :] == []
