"""The weekly loop through the API on the generated scenarios."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from forecasting.models import Forecast
from markdowns.models import MarkdownDecision
from planner.models import Workflow
from planner.tests.test_workflows import start

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("season_data"),
]


@pytest.fixture(autouse=True)
def inline_steps():
    with override_settings(WORKFLOW_EXECUTION="inline"):
        yield


def approved_season(client: APIClient, **overrides) -> int:
    workflow_id = start(client, **overrides)["workflow_id"]
    response = client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept"},
        format="json",
    )
    assert response.status_code == 200
    return workflow_id


def week_csv(sample_dir: Path, scenario: str, week: int) -> bytes:
    frame = pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / f"{scenario}.csv")
    return frame[frame["week_number"] == week].to_csv(index=False).encode()


def upload(client: APIClient, workflow_id: int, week: int, raw: bytes, **extra):
    return client.post(
        "/api/data/upload-weekly-sales",
        {
            "workflow_id": workflow_id,
            "week_number": week,
            "file": SimpleUploadedFile(f"week{week}.csv", raw),
            **extra,
        },
        format="multipart",
    )


def test_high_demand_triggers_a_reforecast_that_becomes_the_plan(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    outcomes = [
        upload(api_client, season, week, week_csv(sample_dir, "high_demand", week)).json()
        for week in range(1, 7)
    ]

    triggered = [o for o in outcomes if o["variance"]["reforecast"]]
    assert len(triggered) == 1
    fired = triggered[0]
    assert fired["variance"]["cumulative_variance"] > 0.20
    reforecast = Workflow.objects.get(pk=fired["reforecast_workflow_id"])
    assert (reforecast.type, reforecast.status, reforecast.parent_id) == (
        "reforecast",
        "completed",
        season,
    )
    version = Forecast.objects.get(workflow=reforecast)
    assert version.version == 2 and version.method == "bayesian_update"
    assert version.adjustment["adjustment_factor"] == pytest.approx(1.25, rel=0.1)
    assert version.weeks.filter(is_actual=True).count() == fired["week_number"]
    # The next week is compared with the new plan and no longer looks 25 % high.
    after = outcomes[fired["week_number"]]
    assert abs(after["variance"]["weekly_variance"]) < 0.15
    assert after["variance"]["reforecast"] is False

    variance = api_client.get(f"/api/variance/{version.parent_id}/week/{fired['week_number']}")
    assert variance.status_code == 200
    assert variance.json()["reforecast_workflow_id"] == reforecast.pk
    assert variance.json()["reason"].startswith("re-forecast: cumulative variance +")


def test_low_demand_brings_a_markdown_to_approve(api_client: APIClient, sample_dir: Path) -> None:
    season = approved_season(api_client)
    for week in range(1, 7):
        response = upload(api_client, season, week, week_csv(sample_dir, "low_demand", week))
        assert response.status_code == 200, response.json()
    workflow = Workflow.objects.get(pk=season)
    decision = MarkdownDecision.objects.get()

    assert (workflow.status, workflow.awaiting_action) == ("awaiting_approval", "approve_markdown")
    assert decision.sell_through < 0.60 and decision.recommended_pct > 0
    assert decision.status == "pending"
    question = workflow.events.filter(type="human_input_required").last()
    assert question.payload["data"]["recommended_pct"] == decision.recommended_pct

    modified = api_client.post(
        "/api/approvals/markdown",
        {"workflow_id": season, "action": "modify", "elasticity_coefficient": 1.0},
        format="json",
    ).json()
    accepted = api_client.post(
        "/api/approvals/markdown", {"workflow_id": season, "action": "accept"}, format="json"
    )

    assert modified["elasticity"] == 1.0
    assert modified["recommended_pct"] <= decision.recommended_pct
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "applied"
    lifted = Forecast.objects.filter(method="markdown_lift").get()
    assert lifted.adjustment["lifts"] == [[7, modified["expected_lift"]]]
    markdowns = api_client.get(f"/api/markdowns/{lifted.pk}").json()["markdowns"]
    assert [m["status"] for m in markdowns] == ["applied"]
    again = api_client.post(
        "/api/approvals/markdown", {"workflow_id": season, "action": "accept"}, format="json"
    )
    assert again.status_code == 409


def test_replenishment_is_proposed_then_approved(api_client: APIClient, sample_dir: Path) -> None:
    season = approved_season(api_client, dc_holdback_percentage=0.6)
    week = 1
    outcome = upload(api_client, season, week, week_csv(sample_dir, "high_demand", week)).json()
    while outcome["replenishment"] is None or not outcome["replenishment"]["units"]:
        week += 1
        outcome = upload(api_client, season, week, week_csv(sample_dir, "high_demand", week)).json()
    proposal = outcome["replenishment"]

    assert proposal["status"] == "proposed" and proposal["week_number"] == week + 1
    approve = api_client.post(
        "/api/approvals/replenishment",
        {"workflow_id": season, "week_number": week + 1},
        format="json",
    )
    again = api_client.post(
        "/api/approvals/replenishment",
        {"workflow_id": season, "week_number": week + 1},
        format="json",
    )
    assert approve.status_code == 200 and approve.json()["approved_shipments"] > 0
    assert again.status_code == 409
    forecast_id = api_client.get(f"/api/workflows/{season}/results").json()["forecasts"][0]["id"]
    plan = api_client.get(f"/api/allocations/{forecast_id}").json()
    assert {s["status"] for s in plan["shipments"]} == {"approved"}
    assert len(plan["stores"]) == 50


def test_daily_rows_are_summed_into_the_week(api_client: APIClient, sample_dir: Path) -> None:
    season = approved_season(api_client)
    weekly = pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / "normal.csv")
    week1 = weekly[weekly["week_number"] == 1]
    rows = [
        {
            "date": f"2025-02-{17 + day}",
            "store_id": r.store_id,
            "quantity_sold": r.units_sold // 7 + (1 if day < r.units_sold % 7 else 0),
        }
        for r in week1.itertuples()
        for day in range(7)
    ]
    raw = pd.DataFrame(rows).to_csv(index=False).encode()

    outcome = upload(api_client, season, 1, raw).json()

    assert outcome["variance"]["actual_units"] == week1["units_sold"].sum()


def test_weekly_upload_errors_say_what_to_do(api_client: APIClient, sample_dir: Path) -> None:
    not_approved = start(api_client)["workflow_id"]
    season = approved_season(api_client)
    week1 = week_csv(sample_dir, "normal", 1)

    early = upload(api_client, not_approved, 1, week1)
    skipped = upload(api_client, season, 2, week_csv(sample_dir, "normal", 2))
    first = upload(api_client, season, 1, week1)
    duplicate = upload(api_client, season, 1, week1)
    replaced = upload(api_client, season, 1, week1, replace="true")
    missing_store = upload(
        api_client,
        season,
        2,
        b"store_id,week_number,units_sold\nS001,2,10\nS999,2,5\n",
    )

    assert early.status_code == 409
    assert "no approved manufacturing order yet" in early.json()["message"]
    assert skipped.status_code == 409
    assert skipped.json()["message"] == "Upload week 1 first: weeks go in order."
    assert first.status_code == 200
    assert duplicate.status_code == 409
    assert duplicate.json()["message"] == (
        "Week 1 is already uploaded; send replace=true to replace it."
    )
    assert replaced.status_code == 200
    assert missing_store.status_code == 400
    messages = [e["message"] for e in missing_store.json()["errors"]]
    assert "not a store of this season's plan" in messages
    assert any(m.startswith("49 store(s) of the plan are missing: S002") for m in messages)


def test_the_last_week_brings_the_season_report(api_client: APIClient, sample_dir: Path) -> None:
    season = approved_season(api_client, forecast_horizon_weeks=4, markdown_checkpoint_week=None)
    outcomes = [
        upload(api_client, season, week, week_csv(sample_dir, "normal", week)).json()
        for week in range(1, 5)
    ]

    report = outcomes[-1]["report"]
    assert outcomes[2]["report"] is None
    assert report["units_sold"] == sum(o["variance"]["actual_units"] for o in outcomes)
    assert 0 < report["sell_through_received"] <= 1.5
    assert report["advice"]
    assert api_client.get(f"/api/workflows/{season}/results").json()["report"] == report
