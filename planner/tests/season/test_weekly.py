"""The weekly loop through the API: each defect the in-season issue listed, and one season
through the REST API against the engine's replay of the same season."""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
from django.db import close_old_connections, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from allocation.models import Allocation, Shipment
from conftest import token_client, user_with_roles
from forecasting.models import Forecast
from markdowns import selectors as markdown_selectors
from markdowns.models import MarkdownDecision
from planner.engine.season import (
    WeekInput,
    auto_approved,
    demand_at_prices,
    run_week,
    season_start,
)
from planner.models import WeeklyActual, Workflow, WorkflowTransition
from planner.season.policy import season_policy
from planner.season.queue import work_queue
from planner.season.selectors import order_margin_range, season_outcomes, season_record
from planner.tests.seasons import (
    approve_proposal,
    approved_season,
    sales_csv,
    start,
    upload,
    week_csv,
)
from shared.imports import NUMBER_LIMITS
from shared.selectors import category_economics, usable_economics

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("season_data"),
]


@pytest.fixture(autouse=True)
def inline_steps():
    with override_settings(WORKFLOW_EXECUTION="inline"):
        yield


# --- the state machine -----------------------------------------------------------------------


def test_a_season_is_in_season_after_the_order_and_closed_only_after_its_last_week(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client, forecast_horizon_weeks=4, markdown_checkpoint_week=None)

    detail = api_client.get(f"/api/workflows/{season}").json()
    assert (detail["status"], detail["season_week"]) == ("in_season", 0)
    first = upload(api_client, season, 1, week_csv(sample_dir, "normal", 1)).json()
    assert first["status"] == "in_season" and first["report"] is None
    assert api_client.get(f"/api/workflows/{season}/results").json()["report"] is None
    outcomes = [first] + [
        upload(api_client, season, w, week_csv(sample_dir, "normal", w)).json() for w in (2, 3, 4)
    ]

    assert [o["status"] for o in outcomes] == ["in_season"] * 3 + ["closed"]
    report = outcomes[-1]["report"]
    assert report["units_sold"] == sum(o["variance"]["actual_units"] for o in outcomes)
    assert api_client.get(f"/api/workflows/{season}/results").json()["report"] == report
    workflow = Workflow.objects.get(pk=season)
    assert workflow.events.filter(type="workflow_complete").count() == 1
    events = list(
        WorkflowTransition.objects.filter(workflow=workflow).values_list("event", flat=True)
    )
    assert events == [
        "start",
        "plan_ready",
        "order_accepted",
        "priced",
        "week_uploaded",
        "week_uploaded",
        "week_uploaded",
        "week_uploaded",
        "season_closed",
    ]
    after_close = upload(api_client, season, 5, week_csv(sample_dir, "normal", 4))
    assert after_close.status_code == 409


def test_weekly_upload_errors_say_what_to_do(api_client: APIClient, sample_dir: Path) -> None:
    not_approved = start(api_client)["workflow_id"]
    season = approved_season(api_client, season_start_date="2025-09-01")  # one season at a time
    week1 = week_csv(sample_dir, "normal", 1)

    early = upload(api_client, not_approved, 1, week1)
    skipped = upload(api_client, season, 2, week_csv(sample_dir, "normal", 2))
    first = upload(api_client, season, 1, week1)
    duplicate = upload(api_client, season, 1, week1)
    missing_store = upload(
        api_client, season, 2, b"store_id,week_number,units_sold\nS001,2,10\nS999,2,5\n"
    )

    assert early.status_code == 409
    assert "weekly sales come after the manufacturing order is accepted" in early.json()["message"]
    assert skipped.status_code == 409
    assert skipped.json()["message"] == "Upload week 1 first: weeks go in order."
    assert first.status_code == 200
    assert duplicate.status_code == 409
    assert duplicate.json()["message"] == (
        "Week 1 is already uploaded; to replace it, upload it again with 'Replace this week if "
        "uploaded' ticked (replace=true in the API)."
    )
    assert missing_store.status_code == 400
    messages = [e["message"] for e in missing_store.json()["errors"]]
    assert "not a store of this season's plan" in messages


def test_the_same_week_uploaded_twice_at_once_is_accepted_once(
    member, api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    raw = week_csv(sample_dir, "normal", 1)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        client = token_client(member)
        barrier.wait()
        try:
            statuses.append(upload(client, season, 1, raw).status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(statuses) == [200, 409]
    workflow = Workflow.objects.get(pk=season)
    assert workflow.season_week == 1
    assert workflow.week_reviews.count() == 1


# --- the ledger --------------------------------------------------------------------------------


def test_sales_beyond_the_stock_are_flagged_never_a_silent_ratio_above_100(
    api_client: APIClient, signed_in
) -> None:
    season = approved_season(api_client, replenishment_strategy="none")
    allocation = Allocation.objects.get()
    held = dict(allocation.store_rows.values_list("store_id", "initial_units"))
    units = {store: 0 for store in held}
    units["S014"] = held["S014"] + 37

    outcome = upload(api_client, season, 1, sales_csv(1, units)).json()

    assert outcome["flags"] == ["S014 sold 37 more than it held in week 1 — check receipts"]
    assert outcome["to_date"]["excess_units"] == 37
    assert outcome["to_date"]["flags"] == outcome["flags"]
    review = Workflow.objects.get(pk=season).week_reviews.get()
    assert review.excess_units == 37 and review.flags == outcome["flags"]
    page = api_client.get(f"/api/variance/{allocation.forecast_id}/week/1").json()
    assert page["flags"] == outcome["flags"]
    html = signed_in.get(f"/seasons/{season}/live").content.decode()
    assert 'class="warning" id="excess-to-date">Sold beyond recorded stock <strong>37' in html
    assert 'class="warning" href="#week-1-drill">1 store sold beyond recorded stock</a>' in html


def test_proposals_not_approved_are_superseded_and_hold_no_dc_stock(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    holdback = Allocation.objects.get().dc_holdback_units
    outcomes = [
        upload(api_client, season, w, week_csv(sample_dir, "high_demand", w)).json()
        for w in range(1, 9)
    ]

    proposals = [o["replenishment"] for o in outcomes if o["replenishment"]]
    assert proposals and any(p["units"] for p in proposals)
    assert outcomes[-1]["to_date"]["dc_available"] == holdback
    assert outcomes[-1]["to_date"]["dc_on_hand"] == holdback
    past = Shipment.objects.filter(kind="replenishment", week_number__lte=8)
    assert set(past.values_list("status", flat=True)) <= {"superseded"}
    late = api_client.post(
        "/api/approvals/replenishment", {"workflow_id": season, "week_number": 8}, format="json"
    )
    assert late.status_code == 409 and "superseded" in late.json()["message"]


# --- decisions are facts -----------------------------------------------------------------------


def _to_markdown(client: APIClient, sample_dir: Path) -> int:
    season = approved_season(client)
    for week in range(1, 7):
        response = upload(client, season, week, week_csv(sample_dir, "low_demand", week))
        assert response.status_code == 200, response.json()
    return season


def test_the_next_week_waits_while_a_markdown_is_pending(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = _to_markdown(api_client, sample_dir)
    workflow = Workflow.objects.get(pk=season)
    decision = MarkdownDecision.objects.get()
    assert workflow.status == "awaiting_markdown"
    assert decision.status == "pending" and decision.recommended_pct > 0

    waiting = upload(api_client, season, 7, week_csv(sample_dir, "low_demand", 7))

    assert waiting.status_code == 409
    assert "waits for the week 6 markdown decision" in waiting.json()["message"]
    assert api_client.get(f"/api/workflows/{season}").json()["awaiting_action"] == (
        "approve_markdown"
    )


def test_a_markdown_is_decided_once_and_a_reupload_never_reapplies_it(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = _to_markdown(api_client, sample_dir)
    modified = api_client.post(
        "/api/approvals/markdown",
        {"workflow_id": season, "action": "modify", "elasticity_coefficient": 1.0},
        format="json",
    ).json()
    accepted = api_client.post(
        "/api/approvals/markdown", {"workflow_id": season, "action": "accept"}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "applied"
    lift = modified["expected_lift"]
    plan_after = Forecast.objects.get(workflow_id=season, version=7)
    assert plan_after.adjustment["lifts"] == [[7, lift]]

    replaced = upload(api_client, season, 6, week_csv(sample_dir, "low_demand", 6), replace="true")
    again = api_client.post(
        "/api/approvals/markdown", {"workflow_id": season, "action": "accept"}, format="json"
    )

    assert replaced.status_code == 200
    decision = MarkdownDecision.objects.get()
    assert (decision.status, decision.expected_lift) == ("applied", lift)
    replanned = Forecast.objects.get(workflow_id=season, version=7)
    assert replanned.adjustment["lifts"] == [[7, lift]]
    assert replanned.total_units == plan_after.total_units
    assert again.status_code == 409
    assert Workflow.objects.get(pk=season).status == "in_season"


def test_replacing_a_week_grades_it_against_its_own_plan_of_record(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    week1 = week_csv(sample_dir, "severe_underperformance", 1)
    first = upload(api_client, season, 1, week1).json()
    upload(api_client, season, 2, week_csv(sample_dir, "severe_underperformance", 2))
    before = api_client.get(f"/api/workflows/{season}/results").json()

    again = upload(api_client, season, 1, week1, replace="true").json()

    assert again["variance"] == first["variance"]
    assert first["variance"]["weekly_variance"] < -0.2  # a real miss, still shown as one
    after = api_client.get(f"/api/workflows/{season}/results").json()
    assert [f["total_units"] for f in after["forecasts"]] == [
        f["total_units"] for f in before["forecasts"]
    ]


def test_replacing_a_week_keeps_approved_shipments_and_never_answers_500(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    outcome = None
    week = 0
    while outcome is None or not (outcome["replenishment"] and outcome["replenishment"]["units"]):
        week += 1
        outcome = upload(api_client, season, week, week_csv(sample_dir, "high_demand", week)).json()
    approve_proposal(api_client, season, outcome)
    approved = list(
        Shipment.objects.filter(status="approved", kind="replenishment").values_list("pk", "units")
    )

    replaced = upload(
        api_client, season, week, week_csv(sample_dir, "high_demand", week, 0.5), replace="true"
    )

    assert replaced.status_code == 200, replaced.json()
    assert (
        list(
            Shipment.objects.filter(status="approved", kind="replenishment").values_list(
                "pk", "units"
            )
        )
        == approved
    )
    following = upload(api_client, season, week + 1, week_csv(sample_dir, "high_demand", week + 1))
    assert following.status_code == 200


def test_a_manual_reforecast_is_a_revision_of_its_season(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    upload(api_client, season, 1, week_csv(sample_dir, "normal", 1))
    original = Forecast.objects.get(workflow_id=season, version=1)

    response = api_client.post(
        "/api/workflows/reforecast",
        {"forecast_id": original.pk, "reason": "a competitor closed"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["workflow_id"] == season and body["version"] == 2
    assert Workflow.objects.count() == 1
    review = Workflow.objects.get(pk=season).week_reviews.get()
    assert review.reforecast_triggered
    assert review.reason == "re-forecast asked for: a competitor closed"


# --- units conserved in every split shown ------------------------------------------------------


def test_the_dc_reserve_by_store_sums_to_the_holdback(signed_in, api_client) -> None:
    season = approved_season(api_client)
    allocation = Allocation.objects.get()

    lines = signed_in.get(f"/seasons/{season}/stores.csv").content.decode().splitlines()

    reserve = [int(line.rsplit(",", 1)[1]) for line in lines[1:]]
    assert sum(reserve) == allocation.dc_holdback_units


def test_the_order_text_preview_and_quantity_come_from_one_function(
    api_client: APIClient, signed_in
) -> None:
    season = start(api_client)["workflow_id"]
    allocation = Allocation.objects.get()
    total = math.fsum(w.units for w in allocation.forecast.weeks.all())

    page = signed_in.get(f"/seasons/{season}")

    previews = page.context["order_previews"]
    assert previews[20] == (
        allocation.manufacturing_qty,
        allocation.dc_holdback_units,
        allocation.store_initial_units,
    )
    assert f"= {allocation.manufacturing_qty:,} units" in allocation.reasoning
    assert f"ceil({total:,.1f} forecast units" in allocation.reasoning


# --- one engine: the product and the replay agree -----------------------------------------------


def test_a_checkpoint_that_needs_no_markdown_is_recorded_as_not_needed(
    api_client: APIClient, sample_dir: Path
) -> None:
    # Normal demand sells through above a 10 % threshold: no markdown at week 6.
    season = approved_season(api_client, markdown_threshold=0.1)
    for week in range(1, 7):
        uploaded = upload(api_client, season, week, week_csv(sample_dir, "normal", week))
        assert uploaded.status_code == 200

    decision = MarkdownDecision.objects.get()
    listed = api_client.get(f"/api/markdowns/{decision.forecast_id}").json()

    assert (decision.status, decision.decided_pct) == ("not_needed", None)
    assert [m["status"] for m in listed["markdowns"]] == ["not_needed"]
    assert Workflow.objects.get(pk=season).status == "in_season"


def test_the_markdown_options_are_priced_and_the_highest_margin_is_recommended(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = _to_markdown(api_client, sample_dir)

    decision = MarkdownDecision.objects.get()

    labels = [option["label"] for option in decision.options]
    assert labels[0] == "no markdown" and labels[1].startswith("the seed's rule")
    assert {"10%", "20%", "30%", "40%", "50%"} <= set(labels) | {labels[1][-4:-1]}
    best = max(decision.options, key=lambda option: option["margin"])
    assert decision.recommended_pct == best["markdown_pct"]
    for option in decision.options:
        assert option["units"] + option["leftover"] == pytest.approx(decision.pricing["stock"])
        assert option["revenue"] == pytest.approx(
            option["units"] * decision.pricing["price"] * (1 - option["markdown_pct"])
        )
    asked = api_client.get(f"/api/workflows/{season}").json()
    assert asked["awaiting_action"] == "approve_markdown"


def test_a_declined_markdown_is_stored_as_declined_and_lifts_nothing(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = _to_markdown(api_client, sample_dir)

    declined = api_client.post(
        "/api/approvals/markdown", {"workflow_id": season, "action": "decline"}, format="json"
    )

    assert declined.status_code == 200, declined.json()
    assert (declined.json()["status"], declined.json()["decided_pct"]) == ("declined", 0.0)
    assert Forecast.objects.get(workflow_id=season, version=7).adjustment["lifts"] == []
    assert Workflow.objects.get(pk=season).status == "in_season"
    # A re-upload of the checkpoint week keeps the refusal; nothing is asked again.
    upload(api_client, season, 6, week_csv(sample_dir, "low_demand", 6), replace="true")
    assert MarkdownDecision.objects.get().status == "declined"
    assert Workflow.objects.get(pk=season).status == "in_season"


def test_a_typed_markdown_is_priced_applied_and_lifts_the_plan(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = _to_markdown(api_client, sample_dir)

    typed = api_client.post(
        "/api/approvals/markdown",
        {"workflow_id": season, "action": "accept", "markdown_pct": 0.33},
        format="json",
    )

    assert typed.status_code == 200, typed.json()
    decision = MarkdownDecision.objects.get()
    assert (decision.status, decision.decided_pct) == ("applied", 0.33)
    assert any(o["label"] == "33% (typed)" for o in decision.options)
    assert decision.decided_lift == pytest.approx(0.33 * 1.5)
    assert Forecast.objects.get(workflow_id=season, version=7).adjustment["lifts"] == [
        [7, pytest.approx(decision.decided_lift)]
    ]
    assert Workflow.objects.get(pk=season).status == "in_season"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "decline", "markdown_pct": 0.2}, "markdown_pct"),
        ({"action": "accept", "markdown_pct": 0.95}, "markdown_pct"),
        ({"action": "accept", "markdown_pct": -0.1}, "markdown_pct"),
    ],
)
def test_a_markdown_depth_out_of_range_or_with_decline_is_refused(
    api_client: APIClient, sample_dir: Path, body: dict, field: str
) -> None:
    season = _to_markdown(api_client, sample_dir)

    refused = api_client.post(
        "/api/approvals/markdown", {"workflow_id": season, **body}, format="json"
    )

    assert refused.status_code == 400 and field in json.dumps(refused.json())
    assert MarkdownDecision.objects.get().status == "pending"


def test_a_markdown_that_sold_nothing_more_is_learned_and_lowers_the_next_seasons_lift(
    api_client: APIClient, sample_dir: Path
) -> None:
    # The scenario files are full-price demand: uploaded as sales, the markdown lifts nothing.
    season = _to_markdown(api_client, sample_dir)
    accepted = api_client.post(
        "/api/approvals/markdown",
        {"workflow_id": season, "action": "accept", "markdown_pct": 0.3},
        format="json",
    )
    assert accepted.status_code == 200
    for week in range(7, 13):
        outcome = upload(api_client, season, week, week_csv(sample_dir, "low_demand", week))
        assert outcome.status_code == 200, outcome.json()
        approve_proposal(api_client, season, outcome.json())

    workflow = Workflow.objects.get(pk=season)
    learned = Forecast.objects.get(workflow=workflow, version=13).adjustment["lift_learned"]

    assert workflow.status == "closed"
    assert learned["assumed"] == pytest.approx(0.45)
    assert abs(learned["realised"]) < 0.1
    responses = markdown_selectors.markdown_responses(category_id=workflow.category_id)
    assert responses == [pytest.approx(learned["response"])]
    # The category's next season prices its markdowns with the lift it learned.
    following = season_policy(
        horizon_weeks=12,
        strategy="weekly",
        safety_stock_pct=0.2,
        markdown_checkpoint_week=6,
        markdown_threshold=0.6,
        markdown_responses=responses,
    )
    assert following.lift_per_point == pytest.approx(1.5 * (3 + learned["response"]) / 4)


def test_a_season_through_the_api_equals_the_engine_replay_week_by_week(
    api_client: APIClient, sample_dir: Path
) -> None:
    """The replay serves the scenario's demand from stock with every proposal approved and
    the markdown accepted; the same sales go through the API with the same approvals. Plans,
    shipments, markdowns, ledgers and the report must be the same week by week."""
    season = approved_season(api_client)
    record = season_record(Workflow.objects.get(pk=season))
    policy = auto_approved(record.policy)
    demand = pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / "low_demand.csv")
    state = season_start(record.setup)
    for week in range(1, 13):
        rows = demand[demand["week_number"] == week]
        full_price = {r.store_id: r.units_sold for r in rows.itertuples()}
        wanted = demand_at_prices(state.lifts, week, full_price)
        replayed = run_week(state, WeekInput(week, demand=wanted), policy)
        sold = {e.store_id: e.sold for e in replayed.store_weeks}

        outcome = upload(api_client, season, week, sales_csv(week, sold)).json()
        if outcome["status"] == "awaiting_markdown":
            accepted = api_client.post(
                "/api/approvals/markdown",
                {"workflow_id": season, "action": "accept"},
                format="json",
            )
            assert accepted.status_code == 200
        approve_proposal(api_client, season, outcome)

        product = season_record(Workflow.objects.get(pk=season))
        plan = Forecast.objects.get(workflow_id=season, version=week + 1)
        assert [round(w.units, 6) for w in plan.weeks.order_by("week_number")] == [
            round(w.units, 6) for w in replayed.state.plan
        ]
        assert outcome["variance"]["weekly_variance"] == pytest.approx(
            replayed.variance.weekly_variance
        )
        assert outcome["to_date"]["dc_on_hand"] == replayed.state.dc_on_hand
        assert outcome["to_date"]["store_units"] == sum(replayed.state.on_hand.values())
        proposal = replayed.state.proposal
        approved = product.weeks[-1]  # this week's arrivals as the database holds them
        assert approved.week_number == week
        stored = sorted(
            Shipment.objects.filter(kind="replenishment", week_number=week + 1).values_list(
                "store_id", "units"
            )
        )
        assert stored == sorted(
            (line.store_id, line.units) for line in (proposal.lines if proposal else ())
        )
        state = replayed.state

    # The product sees sales only: its lost sales are unknown; the replay, serving demand,
    # knows them (none here: every store was stocked up to its demand's 99 % quantile).
    replay_report = json.loads(json.dumps(asdict(replayed.report)))
    assert replay_report.pop("lost_units") == replayed.state.lost_units
    assert outcome["report"].pop("lost_units") is None
    # Lost units by cause: known from demand in the replay, estimated from sales in the product.
    assert replay_report["causes"].pop("estimated") is False
    assert outcome["report"]["causes"].pop("estimated") is True
    assert outcome["report"] == replay_report
    markdowns = [(d.week_number, d.applied_pct) for d in MarkdownDecision.objects.all()]
    assert [(m.week_number, m.markdown_pct) for m in state.markdowns] == markdowns


def test_sales_for_a_week_that_has_not_begun_are_refused(
    api_client: APIClient, sample_dir: Path
) -> None:
    start = timezone.localdate() + dt.timedelta(days=30)
    season = approved_season(api_client, season_start_date=start.isoformat())

    early = upload(api_client, season, 1, week_csv(sample_dir, "normal", 1))

    assert early.status_code == 409
    assert early.json()["message"] == (
        f"Week 1 starts on {start}; its sales can be uploaded once it has begun."
    )
    assert Workflow.objects.get(pk=season).season_week == 0


# --- replenishment lines a person changes --------------------------------------------------------


def _proposed_lines(week: int) -> list[Shipment]:
    return list(
        Shipment.objects.filter(
            kind="replenishment", week_number=week, status="proposed", units__gt=0
        ).order_by("store_id")
    )


def _to_a_proposal(client: APIClient, sample_dir: Path, season: int) -> int:
    """Uploads high-demand weeks until the next week's proposal ships to three stores or more;
    returns that week."""
    for week in range(1, 12):
        upload(client, season, week, week_csv(sample_dir, "high_demand", week))
        if len(_proposed_lines(week + 1)) >= 3:
            return week + 1
    raise AssertionError("no proposal shipped to three stores")


def test_a_planner_edits_and_rejects_proposed_lines_and_the_week_receives_exactly_that(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    week = _to_a_proposal(api_client, sample_dir, season)
    edited, rejected, *kept = _proposed_lines(week)
    holdback = Allocation.objects.get().dc_holdback_units

    def decide(lines, **extra):
        return api_client.post(
            "/api/approvals/replenishment",
            {"workflow_id": season, "week_number": week, "lines": lines, **extra},
            format="json",
        )

    # Bad edits are refused whole, naming what is wrong; nothing changes.
    for lines, words in (
        ([{"store_id": "S999", "units": 5}], f"S999 has no proposed line for week {week}"),
        ([{"store_id": edited.store_id, "units": -1}], "greater than or equal to 0"),
        ([{"store_id": edited.store_id, "units": holdback + 1}], "which holds"),
    ):
        refused = decide(lines)
        assert refused.status_code == 400, refused.json()
        assert words in refused.json()["message"]
    assert len(_proposed_lines(week)) == 2 + len(kept)

    response = decide(
        [
            {"store_id": edited.store_id, "units": edited.units + 7},
            {"store_id": rejected.store_id, "units": 0},
        ]
    )

    assert response.status_code == 200, response.json()
    assert response.json()["approved_shipments"] == 1 + len(kept)
    assert response.json()["rejected_shipments"] == 1
    row = Shipment.objects.get(pk=edited.pk)
    assert (row.status, row.units, row.proposed_units) == (
        "approved",
        edited.units + 7,
        edited.units,
    )
    row = Shipment.objects.get(pk=rejected.pk)
    assert (row.status, row.units) == ("rejected", rejected.units)
    upload(api_client, season, week, week_csv(sample_dir, "high_demand", week))
    record = season_record(Workflow.objects.get(pk=season))
    arrived = season_outcomes(record)[week - 1]
    received = {entry.store_id: entry.received for entry in arrived.store_weeks}
    assert received[edited.store_id] == edited.units + 7
    assert received[rejected.store_id] == 0
    assert all(received[line.store_id] == line.units for line in kept)


def test_a_planner_rejects_a_whole_proposal(api_client: APIClient, sample_dir: Path) -> None:
    season = approved_season(api_client)
    week = _to_a_proposal(api_client, sample_dir, season)
    proposed = _proposed_lines(week)

    response = api_client.post(
        "/api/approvals/replenishment",
        {"workflow_id": season, "week_number": week, "action": "reject"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["rejected_shipments"] == len(proposed)
    assert response.json()["approved_shipments"] == 0
    assert not _proposed_lines(week)
    upload(api_client, season, week, week_csv(sample_dir, "high_demand", week))
    arrived = season_outcomes(season_record(Workflow.objects.get(pk=season)))[week - 1]
    assert sum(entry.received for entry in arrived.store_weeks) == 0


def test_a_week_with_nothing_to_ship_says_there_is_no_proposal(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)

    outcome = upload(api_client, season, 1, week_csv(sample_dir, "low_demand", 1)).json()
    approving = api_client.post(
        "/api/approvals/replenishment",
        {"workflow_id": season, "week_number": 2},
        format="json",
    )

    assert outcome["replenishment"]["units"] == 0
    assert outcome["replenishment"]["status"] == "none"
    assert "no replenishment needed for week 2" in outcome["replenishment"]["note"]
    assert approving.status_code == 409


def test_a_week_sent_to_a_cancelled_season_says_it_was_cancelled(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    assert api_client.post(f"/api/workflows/{season}/cancel").status_code == 200

    refused = upload(api_client, season, 1, week_csv(sample_dir, "normal", 1))

    assert refused.status_code == 409
    assert refused.json()["message"] == (
        f"Season {season} was cancelled: it takes no more weekly sales."
    )


def test_answers_keyed_by_a_forecast_id_name_its_season_and_version(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    upload(api_client, season, 1, week_csv(sample_dir, "normal", 1))
    revision = Forecast.objects.get(workflow_id=season, version=2)

    allocation = api_client.get(f"/api/allocations/{revision.pk}").json()
    markdowns = api_client.get(f"/api/markdowns/{revision.pk}").json()

    for answer in (allocation, markdowns):
        assert answer["workflow_id"] == season
        assert (answer["forecast_id"], answer["forecast_version"]) == (revision.pk, 2)
    root = Forecast.objects.get(workflow_id=season, version=1)
    assert allocation["season_forecast_id"] == markdowns["season_forecast_id"] == root.pk


def test_a_plan_version_keeps_its_id_when_it_is_recomputed(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client)
    upload(api_client, season, 1, week_csv(sample_dir, "normal", 1))
    upload(api_client, season, 2, week_csv(sample_dir, "normal", 2))
    held = {f.version: f.pk for f in Forecast.objects.filter(workflow_id=season)}
    root = Forecast.objects.get(workflow_id=season, version=1)

    reforecast = api_client.post(
        "/api/workflows/reforecast",
        {"forecast_id": root.pk, "reason": "a competitor closed"},
        format="json",
    )
    replaced = upload(api_client, season, 1, week_csv(sample_dir, "normal", 1, 0.8), replace="true")

    assert reforecast.status_code == 201 and replaced.status_code == 200
    after = {f.version: f.pk for f in Forecast.objects.filter(workflow_id=season)}
    assert after == held
    for version, pk in held.items():
        answer = api_client.get(f"/api/forecasts/{pk}")
        assert answer.status_code == 200 and answer.json()["version"] == version
    assert Forecast.objects.get(pk=held[2]).adjustment["after_week"] == 1


def test_money_to_date_is_the_same_on_the_page_and_in_the_api(
    api_client: APIClient, signed_in, sample_dir: Path
) -> None:
    season = approved_season(api_client, replenishment_strategy="none")
    economics = category_economics("womens-dresses")
    outcomes = [
        upload(api_client, season, w, week_csv(sample_dir, "normal", w)).json() for w in (1, 2)
    ]

    money = outcomes[-1]["to_date"]["money"]
    sold = outcomes[-1]["to_date"]["units_sold"]
    assert money["revenue"] == pytest.approx(sold * economics.price, abs=0.01)
    assert money["markdown_cost"] == 0
    assert money["gross_margin"] == pytest.approx(
        sold * (economics.price - economics.unit_cost), abs=0.01
    )
    assert money["dc_stock_value"] == pytest.approx(
        outcomes[-1]["to_date"]["dc_on_hand"] * economics.unit_cost, abs=0.01
    )
    page = signed_in.get(f"/seasons/{season}/live").content.decode()
    header = page[page.index('id="money-to-date"') :][:600]
    assert f"Revenue <strong>{round(money['revenue']):,}</strong>" in header
    assert f"gross margin <strong>{round(money['gross_margin']):,}</strong>" in header


def test_the_plan_shows_the_orders_expected_margin_with_its_range(
    api_client: APIClient, signed_in
) -> None:
    season = start(api_client)["workflow_id"]
    allocation = Allocation.objects.get()

    page = signed_in.get(f"/seasons/{season}")

    ranged = page.context["margin_range"]
    assert ranged.order_units == allocation.manufacturing_qty
    assert ranged.low_80 < ranged.expected < ranged.high_80
    economics = category_economics("womens-dresses")
    assert ranged.high_80 <= allocation.manufacturing_qty * (economics.price - economics.unit_cost)
    assert f"gross margin of about <strong>{round(ranged.expected):,}</strong>" in (
        page.content.decode()
    )
    # Its inputs never change for a stored forecast: the next render reads the same range
    # without computing it again.
    with CaptureQueriesContext(connection) as again:
        repeated = order_margin_range(allocation, usable_economics("womens-dresses"))
    assert repeated == ranged
    assert not [q for q in again.captured_queries if "forecasting_forecast" in q["sql"]]


def test_the_demos_sample_weeks_never_sell_more_than_the_stores_held(
    api_client: APIClient, signed_in, sample_dir: Path, monkeypatch
) -> None:
    monkeypatch.setattr("planner.web.views.SAMPLE_DIR", sample_dir)
    season = approved_season(
        api_client, replenishment_strategy="none", markdown_checkpoint_week=None
    )
    raw = pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / "high_demand.csv")

    for week in range(1, 13):
        download = signed_in.get(f"/seasons/{season}/sample-week.csv?scenario=high_demand")
        assert download.status_code == 200
        outcome = upload(api_client, season, week, download.content).json()
        assert outcome["to_date"]["excess_units"] == 0 and outcome["flags"] == []
        assert outcome["to_date"]["sell_through"] <= 1.0
        demanded = int(raw[raw["week_number"] <= week]["units_sold"].sum())
        if outcome["to_date"]["units_sold"] < demanded:
            break

    # No replenishment: stores ran dry, and the raw files would have sold stock the season
    # never sent.
    assert outcome["to_date"]["stockout_store_weeks"] > 0
    assert outcome["to_date"]["units_sold"] < demanded
    missing = signed_in.get(f"/seasons/{season}/sample-week.csv?scenario=no_such", follow=True)
    assert "has no scenario &#x27;no_such&#x27;" in missing.content.decode()


def test_a_season_is_cancelled_from_the_page_only_when_confirmed(
    api_client: APIClient, signed_in
) -> None:
    season = start(api_client)["workflow_id"]

    unconfirmed = signed_in.post(f"/seasons/{season}/cancel", follow=True)
    assert Workflow.objects.get(pk=season).status == "awaiting_order"
    assert "Tick the box to confirm" in unconfirmed.content.decode()

    signed_in.post(f"/seasons/{season}/cancel", {"confirm": "yes"})
    assert Workflow.objects.get(pk=season).status == "cancelled"
    assert 'id="cancel-form"' not in signed_in.get(f"/seasons/{season}").content.decode()


def test_viewers_see_what_waits_and_for_whom_not_buttons(api_client: APIClient, client) -> None:
    season = start(api_client)["workflow_id"]
    client.force_login(user_with_roles("viewer", "viewers"))

    page = client.get(f"/seasons/{season}").content.decode()

    assert "Approve the manufacturing order (waits for an approver)" in page
    assert 'class="button" href="#order-form"' not in page
    assert 'id="cancel-form"' not in page


def test_the_home_page_queues_every_seasons_decisions_and_due_weeks_with_money(
    api_client: APIClient, signed_in, sample_dir: Path
) -> None:
    running = approved_season(api_client)
    waiting = start(api_client, season_start_date="2025-09-01")["workflow_id"]
    upload(api_client, running, 1, week_csv(sample_dir, "high_demand", 1))
    order = Allocation.objects.get(forecast__workflow_id=waiting)
    cost = category_economics("womens-dresses").unit_cost

    queue = work_queue(today=dt.date(2026, 12, 5))

    by_season = {(i.season_id, i.what.split(":")[0]): i for i in queue}
    approve = by_season[
        (waiting, f"Approve the manufacturing order of {order.manufacturing_qty:,} units")
    ]
    assert approve.money == pytest.approx(order.manufacturing_qty * cost, abs=0.01)
    assert (running, "Upload week 2's sales (the week ended 2025-03-02)") in by_season
    page = signed_in.get("/").content.decode()
    assert 'id="work-queue"' in page and f"/seasons/{waiting}#order-form" in page


def test_the_queue_names_stores_running_dry_beside_dc_stock_and_sales_off_plan(
    api_client: APIClient, sample_dir: Path
) -> None:
    season = approved_season(api_client, replenishment_strategy="none")
    for week in (1, 2, 3, 4):
        upload(api_client, season, week, week_csv(sample_dir, "high_demand", week, scale=3.0))

    queue = [i for i in work_queue(today=dt.date(2026, 12, 5)) if i.kind == "exception"]

    whats = [i.what for i in queue]
    assert any(w.startswith("DC holds ") and "sold out in week 4" in w for w in whats), whats
    assert any("likely to run out in week 5" in w for w in whats), whats
    assert all(i.money and i.money > 0 for i in queue)


def test_the_chart_labels_every_week_by_its_start_and_marks_stockouts(
    api_client: APIClient, signed_in, sample_dir: Path
) -> None:
    season = approved_season(api_client, replenishment_strategy="none")
    for week in (1, 2, 3, 4):
        upload(api_client, season, week, week_csv(sample_dir, "high_demand", week, scale=3.0))

    chart = signed_in.get(f"/seasons/{season}").context["chart"]

    axis = chart["layout"]["xaxis"]
    assert len(axis["tickvals"]) == 12 and axis["ticktext"][0] == "17 Feb"
    assert axis["title"]["text"] == "Week starting"
    marked = next(t for t in chart["data"] if t.get("name") == "Stores sold out that week")
    reviews = Workflow.objects.get(pk=season).week_reviews.filter(stockout_stores__gt=0)
    assert len(marked["x"]) == reviews.count() > 0


def test_the_weekly_units_an_upload_accepts_fit_the_column_they_are_stored_in() -> None:
    field = WeeklyActual._meta.get_field("units_sold")
    _, highest = NUMBER_LIMITS["units_sold"]

    # A positive integer column holds 2**31 - 1 on every engine.
    assert field.get_internal_type() == "PositiveIntegerField"
    assert highest <= 2**31 - 1
