"""A season's weekly table, plan and report as CSV and Excel (planner.season.exports), from
the page and the API, with the figures the season shows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from planner.tests.seasons import approved_season, upload, week_csv

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("season_data"),
]


@override_settings(WORKFLOW_EXECUTION="inline")
def test_the_weeks_plan_and_report_export_with_the_seasons_own_figures(
    api_client: APIClient, signed_in, sample_dir: Path
) -> None:
    season = approved_season(api_client, forecast_horizon_weeks=4, markdown_checkpoint_week=None)
    early = api_client.get(f"/api/workflows/{season}/exports/report.csv")
    outcomes = [
        upload(api_client, season, w, week_csv(sample_dir, "normal", w)).json()
        for w in (1, 2, 3, 4)
    ]

    assert early.status_code == 409 and "no report" in early.json()["message"]
    weeks = list(
        csv.DictReader(
            io.StringIO(
                api_client.get(f"/api/workflows/{season}/exports/weeks.csv").content.decode()
            )
        )
    )
    assert [int(row["actual_units"]) for row in weeks] == [
        o["variance"]["actual_units"] for o in outcomes
    ]
    assert weeks[0]["week_start_monday"] == "2025-02-17"
    assert [row["plan_update_version"] for row in weeks] == ["2", "3", "4", "5"]

    plan = load_workbook(io.BytesIO(signed_in.get(f"/seasons/{season}/export/plan.xlsx").content))
    rows = list(plan.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("week", "week_start_monday", "kind", "units")
    assert [row[2] for row in rows[1:]] == ["actual"] * 4

    report = outcomes[-1]["report"]
    exported = dict(
        load_workbook(
            io.BytesIO(api_client.get(f"/api/workflows/{season}/exports/report.xlsx").content)
        ).active.iter_rows(min_row=2, values_only=True)
    )
    assert exported["units sold"] == report["units_sold"]
    assert exported["revenue"] == report["money"]["revenue"]
    page = signed_in.get(f"/seasons/{season}/live").content.decode()
    assert f"/seasons/{season}/export/report.xlsx" in page
    assert f"/seasons/{season}/export/weeks.csv" in page
