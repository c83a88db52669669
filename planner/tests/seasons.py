"""Seasons through the API for tests: start one, wait for a status, approve its order, upload
a week's sales, approve a replenishment proposal."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from planner.models import Workflow

PARAMETERS = {
    "forecast_horizon_weeks": 12,
    "season_start_date": "2025-02-17",
    "replenishment_strategy": "weekly",
    "dc_holdback_percentage": 0.45,
    "markdown_checkpoint_week": 6,
    "markdown_threshold": 0.60,
}


def start(client: APIClient, **overrides) -> dict:
    response = client.post(
        "/api/workflows/forecast",
        {"category": "womens-dresses", "parameters": {**PARAMETERS, **overrides}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def wait_for(workflow_id: int, statuses: set[str], seconds: float = 60) -> Workflow:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workflow = Workflow.objects.get(pk=workflow_id)
        if workflow.status in statuses:
            return workflow
        time.sleep(0.05)
    raise AssertionError(f"workflow {workflow_id} stayed {workflow.status}")


def approved_season(client: APIClient, **overrides) -> int:
    workflow_id = start(client, **overrides)["workflow_id"]
    response = client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept"},
        format="json",
    )
    assert response.status_code == 200
    return workflow_id


def week_csv(sample_dir: Path, scenario: str, week: int, scale: float = 1.0) -> bytes:
    frame = pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / f"{scenario}.csv")
    rows = frame[frame["week_number"] == week].copy()
    rows["units_sold"] = (rows["units_sold"] * scale).round().astype(int)
    return rows.to_csv(index=False).encode()


def sales_csv(week: int, units: dict[str, int]) -> bytes:
    lines = ["store_id,week_number,units_sold", *(f"{s},{week},{u}" for s, u in units.items())]
    return ("\n".join(lines) + "\n").encode()


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


def approve_proposal(client: APIClient, workflow_id: int, outcome: dict) -> None:
    proposal = outcome["replenishment"]
    if proposal and proposal["units"]:
        response = client.post(
            "/api/approvals/replenishment",
            {"workflow_id": workflow_id, "week_number": proposal["week_number"]},
            format="json",
        )
        assert response.status_code == 200, response.json()
