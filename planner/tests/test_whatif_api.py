"""POST /api/workflows/{id}/what-if: the policies side by side, committing nothing (issue 13)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from allocation.models import Allocation
from planner.tests.test_workflows import start, wait_for

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
