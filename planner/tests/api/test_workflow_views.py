"""POST /api/workflows/{id}/what-if: the policies side by side, committing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from allocation.models import Allocation
from planner.capacity import SIMULATIONS
from planner.models import Workflow
from planner.season.selectors import season_outcomes, season_record
from planner.tests.seasons import (
    approve_proposal,
    approved_season,
    start,
    upload,
    wait_for,
    week_csv,
)

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(WORKFLOW_EXECUTION="inline")
def test_what_if_compares_the_policies_and_changes_nothing(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client)["workflow_id"]
    wait_for(workflow_id, {"awaiting_order"})
    before = list(Allocation.objects.values())

    response = api_client.post(
        f"/api/workflows/{workflow_id}/what-if",
        {
            "holdback_pct": 0.3,
            "replenishment_strategy": "bi-weekly",
            "paths": 10,
            "search_paths": 3,
        },
        format="json",
    )
    again = api_client.post(
        f"/api/workflows/{workflow_id}/what-if",
        {
            "holdback_pct": 0.3,
            "replenishment_strategy": "bi-weekly",
            "paths": 10,
            "search_paths": 3,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert [p["label"] for p in body["policies"]] == [
        "plan as proposed",
        "push baseline",
        "recommended",
        "your choice",
    ]
    plan = body["policies"][0]
    assert plan["order_units"] == before[0]["manufacturing_qty"]
    assert plan["holdback_pct"] == pytest.approx(0.45)
    mine = body["policies"][3]
    assert (mine["holdback_pct"], mine["strategy"]) == (0.3, "bi-weekly")
    margin = plan["metrics"]["gross_margin"]
    assert margin["p10"] <= margin["p50"] <= margin["p90"]
    assert body["economics"]["sources"]["price"] == "history revenue / units"
    assert 0 < body["economics"]["critical_ratio"] < 1
    # The simulated store shares spread as the share rule erred on history (the sample: ~1 %).
    assert body["store_share_spread"]["source"] == "the store share rule's backtest on history"
    assert 0 < body["store_share_spread"]["cv"] < 0.05
    assert body["actual_weeks"] is None  # the season has not happened yet
    assert again.json()["policies"] == body["policies"]  # same seed, same table
    assert list(Allocation.objects.values()) == before  # read-only


def test_what_if_before_the_order_is_proposed_is_409_and_bad_input_is_400(
    season_data, api_client: APIClient
) -> None:
    with override_settings(WORKFLOW_EXECUTION="inline"):
        workflow_id = start(api_client)["workflow_id"]
    Allocation.objects.filter(forecast__workflow_id=workflow_id).delete()

    early = api_client.post(f"/api/workflows/{workflow_id}/what-if", {}, format="json")
    bad = api_client.post(
        f"/api/workflows/{workflow_id}/what-if",
        {"holdback_pct": 2, "replenishment_strategy": "daily", "paths": 100000},
        format="json",
    )

    assert early.status_code == 409
    assert "needs the proposed order" in early.json()["message"]
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) >= {"holdback_pct", "replenishment_strategy", "paths"}


@override_settings(WORKFLOW_EXECUTION="inline")
def test_after_the_season_each_policy_is_replayed_on_the_weeks_that_happened(
    season_data, api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client, forecast_horizon_weeks=4, markdown_checkpoint_week=None)
    for week in range(1, 5):
        response = upload(api_client, season, week, week_csv(sample_dir, "high_demand", week))
        approve_proposal(api_client, season, response.json())
    report = api_client.get(f"/api/workflows/{season}/results").json()["report"]

    response = api_client.post(
        f"/api/workflows/{season}/what-if", {"paths": 10, "search_paths": 3}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    replays = {row["label"]: row for row in body["actual_weeks"]}
    assert list(replays) == ["plan as proposed", "push baseline", "recommended"]
    as_run = replays["plan as proposed"]["metrics"]
    # The plan replayed on the weeks' demand, every shipment approved as here, is the season:
    # a sold-out store had at least what it sold as demand, and sells its stock again; sales
    # the ledger flagged as beyond a store's stock cannot be replayed.
    ledger = season_outcomes(season_record(Workflow.objects.get(pk=season)))[-1].state.ledger
    beyond_stock = sum(entry.excess for entry in ledger)
    assert report["stockout_store_weeks"] > 0
    assert as_run["units_sold"]["mean"] == report["units_sold"] - beyond_stock
    assert as_run["stockout_store_weeks"]["mean"] == report["stockout_store_weeks"]
    assert as_run["lost_units"]["mean"] > 0
    for row in replays.values():  # one path: the season itself
        margin = row["metrics"]["gross_margin"]
        assert margin["p10"] == margin["p50"] == margin["p90"] == margin["mean"]


@override_settings(WORKFLOW_EXECUTION="inline", SIMULATIONS_PER_PROCESS=2)
def test_one_run_per_user_and_a_few_per_process_the_rest_wait_with_429(
    season_data, api_client: APIClient
) -> None:
    workflow_id = start(api_client)["workflow_id"]
    wait_for(workflow_id, {"awaiting_order"})
    user_pk = Token.objects.get(key=api_client.token).user_id
    body = {"paths": 10, "search_paths": 3}

    def ask() -> Any:
        return api_client.post(f"/api/workflows/{workflow_id}/what-if", body, format="json")

    with SIMULATIONS.slot(user_pk):
        own = ask()  # this user's earlier run is still going
    with SIMULATIONS.slot("another planner"), SIMULATIONS.slot("a third one"):
        full = ask()  # the process runs its two already
    free = ask()

    assert own.status_code == 429 and own["Retry-After"] == "10"
    assert "one at a time per user" in own.json()["message"]
    assert full.status_code == 429 and "SIMULATIONS_PER_PROCESS" in full.json()["message"]
    assert free.status_code == 200

    with override_settings(SIMULATION_SECONDS=0.001):
        stopped = ask()  # computed in a child process, stopped past its budget

    assert stopped.status_code == 503
    assert "longer than 0.001 s and was stopped" in stopped.json()["message"]
    assert ask().status_code == 200  # the slot was given back


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
