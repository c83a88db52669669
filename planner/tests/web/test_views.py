"""The merchandiser's pages through Django's test client (a real browser test is separate)."""

import datetime as dt
import gzip
import html
import json
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import ScopedRateThrottle

from allocation.models import Allocation, Shipment
from conftest import user_with_roles
from planner import selectors
from planner.models import Workflow, WorkflowEvent
from planner.realtime.events import event_publish
from planner.season import workflows
from shared import services
from shared.models import Category, HistoricalSale, Store
from shared.tests.factories import HistoricalSaleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("season_data")]

ZARA = (
    "I'm planning a 12-week spring fashion season starting February 17, 2025. Weekly "
    "replenishment with 45% DC holdback. Check for markdown opportunities at week 6 if we're "
    "below 60% sell-through."
)


@pytest.fixture(autouse=True)
def inline_steps():
    with override_settings(WORKFLOW_EXECUTION="inline"):
        yield


def test_pages_need_a_sign_in(client: Client) -> None:
    for path in ("/", "/seasons/new"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


def _plan(client: Client) -> int:
    extracted = client.post(
        "/seasons/new", {"describe": "1", "category": "womens-dresses", "description": ZARA}
    )
    page = extracted.content.decode()
    assert 'Confidence: <strong class="confidence high">high</strong>' in page
    form = extracted.context["parameters_form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["category"] = "womens-dresses"
    data["start"] = "1"
    started = client.post("/seasons/new", data)
    assert started.status_code == 302
    return int(started["Location"].rsplit("/", 1)[1])


def _started(client: Client, sample_dir: Path, scenario: str) -> tuple[int, pd.DataFrame]:
    """A season planned and its order accepted, with a scenario's weeks to upload."""
    workflow_id = _plan(client)
    client.post(f"/seasons/{workflow_id}/manufacturing", {"action": "accept"})
    return workflow_id, pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / scenario)


def test_describe_confirm_and_start_a_season(signed_in: Client) -> None:
    workflow_id = _plan(signed_in)

    page = signed_in.get(f"/seasons/{workflow_id}").content.decode()

    workflow = Workflow.objects.get(pk=workflow_id)
    assert workflow.status == "awaiting_order"
    # The page says which events it shows, so the stream's replay does not add them again.
    assert f'data-last-sequence="{workflow.events.count()}"' in page
    assert 'class="card needs_you" data-agent="inventory"' in page
    # The header says where the season stands and what waits, with the way to it.
    assert 'Next: <a class="button" href="#order-form">Approve the manufacturing order</a>' in page
    # Words a merchandiser uses, not internal names.
    assert '<p class="state">needs you</p>' in page
    assert "<td>Value conscious</td>" in page and "<td>value_conscious</td>" not in page
    assert "Accept the order" in page
    assert 'data-figure="forecast-figure"' in page and 'id="forecast-figure"' in page
    # The order in words first, the formula on demand.
    allocation = Allocation.objects.get(forecast__workflow_id=workflow_id)
    plain = (
        f"Make <strong>{allocation.manufacturing_qty:,}</strong> units: the forecast and 20 % "
        "more as safety stock."
    )
    assert plain in page
    formula = page.index('<details class="how" id="order-how"><summary>The formula</summary>')
    assert page.rindex("Safety stock 20% for weekly replenishment") > formula
    assert (
        f"{allocation.store_initial_units:,} go to the stores at the start and "
        f"{allocation.dc_holdback_units:,} wait at the DC" in page
    )
    # The season's range in words, the same figures as the API's, the prior named as such.
    forecast = signed_in.get(f"/api/forecasts/{allocation.forecast_id}").json()
    season = forecast["season_range"]
    assert season["low_80"] < forecast["total_units"] < season["high_80"]
    assert season["low_95"] < season["low_80"] and season["high_80"] < season["high_95"]
    assert (
        f"In 8 of 10 seasons like this, between <strong>{season['low_80']:,}</strong> and "
        f"<strong>{season['high_80']:,}</strong> units" in page
    )
    assert season["shock_is_prior"] and "no closed seasons yet" in season["shock"]
    assert "the shock is a default until this retailer's own seasons replace it" in page


def test_out_of_range_description_is_shown_on_the_form(signed_in: Client) -> None:
    response = signed_in.post(
        "/seasons/new",
        {"describe": "1", "category": "womens-dresses", "description": "a 70-week season please"},
    )

    assert "a season must be 4 to 52 weeks long, not 70." in response.content.decode()
    assert not Workflow.objects.exists()


def test_the_category_comes_from_the_text_and_defaults_are_marked(signed_in: Client) -> None:
    Category.objects.create(slug="mens-shirts", name="Men's Shirts")
    Category.objects.create(slug="accessories", name="Accessories")
    named = signed_in.post(
        "/seasons/new",
        {
            "describe": "1",
            "category": "",
            "description": "Women's Dresses: 10 weeks, markdown at week 6",
        },
    )
    two = signed_in.post(
        "/seasons/new",
        {"describe": "1", "category": "", "description": "Men's shirts and accessories, 8 weeks"},
    )
    none = signed_in.post(
        "/seasons/new", {"describe": "1", "category": "", "description": "a 12-week spring season"}
    )

    page = named.content.decode()
    assert named.context["parameters_form"].initial["category"].pk == "womens-dresses"
    assert "(named in your text)" in page
    # Said: weeks and the checkpoint; everything else is a default, marked on its field.
    assert (
        "set to the default (please check): Season start, Replenishment, DC holdback (%), "
        "Sell-through target (%)." in page
    )
    assert page.count('<label class="defaulted">') == 4
    assert 'Confidence: <strong class="confidence low">low</strong>' in page
    assert (
        "The text names Accessories and Men&#x27;s Shirts: which one is it?" in two.content.decode()
    )
    assert "Which category? The text names none of" in none.content.decode()


def test_the_order_form_recomputes_at_another_dc_holdback(signed_in: Client) -> None:
    workflow_id = _plan(signed_in)
    page = signed_in.get(f"/seasons/{workflow_id}").content.decode()
    assert 'name="dc_holdback_percent"' in page and 'id="what-if"' in page

    recomputed = signed_in.post(
        f"/seasons/{workflow_id}/manufacturing",
        {"action": "modify", "dc_holdback_percent": "15"},
        follow=True,
    ).content.decode()

    assert "15% held at the DC" in recomputed
    assert Workflow.objects.get(pk=workflow_id).parameters.dc_holdback_percentage == 0.15


def test_the_order_form_takes_cadence_and_markdown_threshold(signed_in: Client) -> None:
    workflow_id = _plan(signed_in)
    page = signed_in.get(f"/seasons/{workflow_id}").content.decode()
    assert '<option value="weekly" selected>' in page
    assert 'name="markdown_threshold_percent"' in page

    recomputed = signed_in.post(
        f"/seasons/{workflow_id}/manufacturing",
        {
            "action": "modify",
            "replenishment_strategy": "bi-weekly",
            "markdown_threshold_percent": "45",
        },
        follow=True,
    ).content.decode()
    parameters = Workflow.objects.get(pk=workflow_id).parameters
    dropped = signed_in.post(
        f"/seasons/{workflow_id}/manufacturing",
        {"action": "modify", "markdown_threshold_percent": ""},
        follow=True,
    ).content.decode()

    assert "Manufacturing order recomputed." in recomputed
    assert (parameters.replenishment_strategy, parameters.markdown_threshold) == ("bi-weekly", 0.45)
    assert "Manufacturing order recomputed." in dropped
    assert Workflow.objects.get(pk=workflow_id).parameters.markdown_checkpoint_week is None


def test_the_plan_page_edits_the_economics_the_what_if_uses(signed_in: Client) -> None:
    workflow_id = _plan(signed_in)
    page = signed_in.get(f"/seasons/{workflow_id}").content.decode()
    assert "price 55.00 (history revenue / units)" in page

    saved = signed_in.post(
        f"/seasons/{workflow_id}/economics",
        {"price": "60", "unit_cost": "", "salvage_value": "5", "shipment_cost": "2.5"},
        follow=True,
    ).content.decode()
    refused = signed_in.post(
        f"/seasons/{workflow_id}/economics",
        {"price": "60", "unit_cost": "70", "salvage_value": "", "shipment_cost": ""},
        follow=True,
    ).content.decode()

    assert "saved: price 60.00, unit cost 27.00, salvage 5.00, 2.50 a shipment." in saved
    assert "price 60.00 (set for the category)" in saved
    assert "Economics not saved: price 60.00 must be above the unit cost 70.00." in refused
    category = Category.objects.get(pk="womens-dresses")
    assert (category.price, category.unit_cost, category.salvage_value) == (60, None, 5)


def test_a_season_in_the_browser_forms(signed_in: Client, sample_dir: Path) -> None:
    workflow_id = _plan(signed_in)
    signed_in.post(
        f"/seasons/{workflow_id}/manufacturing", {"action": "modify", "safety_stock_percent": "25"}
    )
    accepted = signed_in.post(
        f"/seasons/{workflow_id}/manufacturing", {"action": "accept"}, follow=True
    )
    assert "Manufacturing order accepted." in accepted.content.decode()
    frame = pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / "low_demand.csv")
    for week in range(1, 7):
        raw = frame[frame["week_number"] == week].to_csv(index=False).encode()
        page = signed_in.post(
            f"/seasons/{workflow_id}/weeks",
            {"week_number": week, "file": SimpleUploadedFile("w.csv", raw)},
            follow=True,
        ).content.decode()
        assert f"Week {week}: " in page
    page = signed_in.get(f"/seasons/{workflow_id}").content.decode()
    assert "Apply the markdown" in page and "Decline any markdown" in page
    assert "the seed&#x27;s rule" in page or "the seed's rule" in page
    header = page[
        page.index('id="season-header"') : page.index(
            "</section>", page.index('id="season-header"')
        )
    ]
    assert "Week 6 of 12" in header and "plan in force: version 7" in header
    assert re.search(
        r"At the stores <strong>[\d,]+</strong> \(about [\d.]+ weeks of cover\)", header
    )
    assert 'href="#markdown-form">Decide the week 6 markdown</a>' in header
    # Only the agent waiting for the markdown decision needs a person (the order was decided).
    cards = signed_in.get(f"/seasons/{workflow_id}").context["cards"]
    assert {c["agent"]: c["state"] for c in cards} == {
        "orchestrator": "done",
        "demand": "done",
        "inventory": "done",
        "pricing": "needs_you",
    }
    # The chart: dates on the axis, units from zero, a legend entry per variance colour.
    figure = json.loads(
        re.search(
            r'<script id="forecast-figure" type="application/json">(.*?)</script>', page, re.S
        )[1]
    )
    assert figure["layout"]["yaxis"]["rangemode"] == "tozero"
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert bars and all(t["name"].startswith("Actual: ") for t in bars)
    assert figure["data"][0]["x"][0] == "2025-02-17"
    # Low demand: stores hold enough, so nothing is proposed and the DC keeps its stock.
    assert "No replenishment proposed yet." in page
    assert "After week 6 the plan in force (version 7) expects" in page  # versions by week
    assert page.count("(v") >= 6
    waiting = signed_in.post(
        f"/seasons/{workflow_id}/weeks",
        {"week_number": 7, "file": SimpleUploadedFile("w.csv", b"store_id,week_number\n")},
        follow=True,
    ).content.decode()
    assert "waits for the week 6 markdown decision" in waiting
    refused = signed_in.post(
        f"/seasons/{workflow_id}/markdown",
        {"action": "accept", "markdown_percent": "95"},
        follow=True,
    )
    assert "a markdown 0-90 %" in refused.content.decode()
    approved = signed_in.post(
        f"/seasons/{workflow_id}/markdown",
        {"action": "accept", "option": "0.1", "markdown_percent": "33"},
        follow=True,
    )
    assert "Week 6: 33% markdown applied from week 7." in approved.content.decode()
    assert "33% (typed)" in approved.content.decode()
    bad = signed_in.post(
        f"/seasons/{workflow_id}/weeks",
        {
            "week_number": 7,
            "file": SimpleUploadedFile("w.csv", b"store_id,week_number,units_sold\nS001,7,x\n"),
        },
        follow=True,
    ).content.decode()
    assert "row 2, units_sold: not a number" in bad
    assert "Season report" not in bad  # it comes with week 12
    shipments = signed_in.get(f"/seasons/{workflow_id}/shipments.csv").content.decode()
    assert shipments.splitlines()[0] == (
        "week_number,kind,store_id,from_store,requested_units,units,is_partial,status"
    )


def test_plotly_is_served_from_the_package(client: Client) -> None:
    response = client.get("/vendor/plotly.min.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert len(response.content) > 1_000_000


def test_uploads_on_the_plan_page_list_problems_by_row(signed_in: Client) -> None:
    bad = b"date,store_id,category,quantity_sold,revenue\n2024-13-01,S001,Dresses,1,55\n"

    page = signed_in.post(
        "/data/upload",
        {"kind": "history", "file": SimpleUploadedFile("h.csv", bad)},
        follow=True,
    ).content.decode()
    good = signed_in.post(
        "/data/upload",
        {
            "kind": "stores",
            "file": SimpleUploadedFile("s.csv", b"store_id,store_name\nS001,=HYPERLINK(1)\n"),
        },
        follow=True,
    ).content.decode()

    assert "rejected with 1 problem" in page
    assert (
        "<td>2</td><td>date</td><td>2024-13-01</td><td>not a date in the form YYYY-MM-DD</td>"
        in page
    )
    assert "1 rows: 0 created, 1 updated, 0 unchanged." in good


def test_store_allocation_exports_as_csv_without_formulas(signed_in: Client) -> None:

    Store.objects.filter(pk="S001").update(name="=HYPERLINK(1)")
    workflow_id = _plan(signed_in)

    response = signed_in.get(f"/seasons/{workflow_id}/stores.csv")

    lines = response.content.decode().splitlines()
    assert lines[0] == "store_id,store_name,cluster,initial_units,season_share,dc_reserve_units"
    assert len(lines) == 51
    assert lines[1].startswith("S001,'=HYPERLINK(1),")


def test_fractions_are_shown_as_percentages() -> None:
    from planner.templatetags.planner_format import percent, signed_percent

    assert percent(0.45235) == "45.2 %"
    assert percent(0.125, 0) == "13 %"  # half up, not to even
    assert percent(None) == "n/a"
    assert signed_percent(-0.217) == "-21.7 %"
    assert signed_percent(0.05) == "+5.0 %"


def test_a_far_season_start_on_the_page_is_named_not_a_500(signed_in: Client) -> None:
    page = signed_in.post(
        "/seasons/new",
        {
            "start": "1",
            "category": "womens-dresses",
            "forecast_horizon_weeks": 12,
            "season_start_date": "9999-12-31",
            "replenishment_strategy": "weekly",
            "dc_holdback_percent": 45,
        },
    )

    assert page.status_code == 200
    assert "must be from " in page.content.decode()
    assert not Workflow.objects.exists()


def test_the_page_and_the_api_check_season_parameters_alike(signed_in: Client) -> None:
    """One check for both: a checkpoint past the season's end is refused with the same words,
    a checkpoint without a target takes the default target, a target of 0 % stays 0 %."""
    form = {
        "start": "1",
        "category": "womens-dresses",
        "forecast_horizon_weeks": 12,
        "season_start_date": "2025-03-03",
        "replenishment_strategy": "weekly",
        "dc_holdback_percent": 30,
    }
    api = {
        "forecast_horizon_weeks": 12,
        "season_start_date": "2025-03-03",
        "replenishment_strategy": "weekly",
        "dc_holdback_percentage": 0.30,
    }

    page = signed_in.post("/seasons/new", {**form, "markdown_checkpoint_week": 14})
    answer = signed_in.post(
        "/api/workflows/forecast",
        {"category": "womens-dresses", "parameters": {**api, "markdown_checkpoint_week": 14}},
        content_type="application/json",
    )

    problem = "must be within the 12 season weeks"
    assert problem in page.content.decode()
    assert answer.json()["errors"]["parameters"]["markdown_checkpoint_week"] == [problem]
    assert not Workflow.objects.exists()
    started = signed_in.post("/seasons/new", {**form, "markdown_checkpoint_week": 6})
    assert started.status_code == 302, started.context["parameters_form"].errors
    default = django_settings.PLANNING["DEFAULT_MARKDOWN_THRESHOLD"]
    assert Workflow.objects.get().parameters.markdown_threshold == default
    first = Workflow.objects.get()
    workflows.season_cancel(workflow_id=first.pk)  # one season of a category at a time
    zero = {**form, "markdown_checkpoint_week": 6, "markdown_threshold_percent": 0}
    assert signed_in.post("/seasons/new", zero).status_code == 302
    assert Workflow.objects.exclude(pk=first.pk).get().parameters.markdown_threshold == 0.0


def test_page_uploads_and_extractions_count_against_the_api_limits(
    signed_in: Client, monkeypatch
) -> None:
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"uploads": "2/min", "extraction": "1/min"}
    )
    stores = {"kind": "stores", "file": None}

    answers = []
    for _ in range(3):
        stores["file"] = SimpleUploadedFile("s.csv", b"store_id\nS001\n")
        answers.append(signed_in.post("/data/upload", stores))
    described = [
        signed_in.post(
            "/seasons/new", {"describe": "1", "category": "womens-dresses", "description": ZARA}
        )
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert answers[-1]["Retry-After"]
    assert "Too many uploads" in answers[-1].content.decode()
    assert [d.status_code for d in described] == [200, 429]


def test_the_page_reads_the_stream_position_before_the_season(
    signed_in: Client, monkeypatch
) -> None:
    """A step that commits between the page's reads must not hide behind a stale status: the
    page's replay position is read first, so the new event is replayed and reloads the page."""
    workflow_id = _plan(signed_in)
    read_position = selectors.last_event_sequence

    def position_then_a_step_commits(season_id: int) -> int:
        position = read_position(season_id)
        event_publish(
            workflow=Workflow.objects.get(pk=season_id),
            kind="agent_progress",
            agent="orchestrator",
            message="a step committed meanwhile",
            progress_pct=0,
        )
        return position

    monkeypatch.setattr(selectors, "last_event_sequence", position_then_a_step_commits)

    page = signed_in.get(f"/seasons/{workflow_id}")

    newest = WorkflowEvent.objects.filter(workflow_id=workflow_id).order_by("-sequence").first()
    assert page.context["last_sequence"] == newest.sequence - 1
    assert f'data-last-sequence="{newest.sequence - 1}"' in page.content.decode()


def test_error_pages_are_in_the_site_layout(client: Client, db: None) -> None:

    client.force_login(user_with_roles("viewer", "viewers"))
    missing = client.get("/seasons/999999")
    refused = client.get("/seasons/new")

    assert missing.status_code == 404
    assert "There is nothing at this address" in missing.content.decode()
    assert refused.status_code == 403
    assert "You cannot do that here" in refused.content.decode()
    for page in (missing, refused):
        body = page.content.decode()
        assert 'class="skip-link" href="#main"' in body and 'id="main"' in body
        assert 'rel="icon"' in body and 'aria-label="Main"' in body


def test_plotly_is_served_gzipped_to_browsers_that_accept_it(client: Client) -> None:
    plain = client.get("/vendor/plotly.min.js")
    gzipped = client.get("/vendor/plotly.min.js", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert gzipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in gzipped["Vary"]
    assert len(gzipped.content) < len(plain.content) / 2
    assert gzip.decompress(gzipped.content) == plain.content


def test_replenishment_shows_its_summary_first_and_approves_in_units(
    signed_in: Client, sample_dir: Path
) -> None:
    workflow_id, frame = _started(signed_in, sample_dir, "high_demand.csv")
    # High demand: once the launch stock runs low, the DC is asked for stock.
    number = 0
    while number < 12 and not Shipment.objects.filter(status="proposed").exists():
        number += 1
        raw = frame[frame["week_number"] == number].to_csv(index=False).encode()
        week = {"week_number": number, "file": SimpleUploadedFile("w.csv", raw)}
        signed_in.post(f"/seasons/{workflow_id}/weeks", week)
    assert Shipment.objects.filter(status="proposed").exists()
    proposed = number + 1

    page = signed_in.get(f"/seasons/{workflow_id}").content.decode()
    approved = signed_in.post(
        f"/seasons/{workflow_id}/replenishment/{proposed}", follow=True
    ).content.decode()

    assert page.index('id="replenishment-summary"') < page.index(f"<summary>Week {proposed}: ")
    assert "(proposed)</summary>" in page
    shipped = Shipment.objects.filter(week_number=proposed, units__gt=0)
    units = sum(s.units for s in shipped)
    assert f"Approved week {proposed}: {units:,} units to {shipped.count()} stores." in approved


def test_the_live_part_drill_down_and_chart_agree_with_the_data(
    signed_in: Client, sample_dir: Path
) -> None:
    workflow_id, frame = _started(signed_in, sample_dir, "low_demand.csv")
    queries = []
    for week in (1, 2):
        raw = frame[frame["week_number"] == week].to_csv(index=False).encode()
        signed_in.post(
            f"/seasons/{workflow_id}/weeks",
            {"week_number": week, "file": SimpleUploadedFile("w.csv", raw)},
        )
        signed_in.get(f"/seasons/{workflow_id}/live")
        with CaptureQueriesContext(connection) as read:
            signed_in.get(f"/seasons/{workflow_id}/live")
        queries.append(len(read.captured_queries))
    # Each part is read once a render: a week more adds no query (33 on a 12-week season).
    assert queries[0] == queries[1] <= 40, queries
    # The live part alone: the week rows and the header, no layout, and the page's pending
    # message (the week 2 confirmation, not yet shown) left for the page.
    live = signed_in.get(f"/seasons/{workflow_id}/live")
    fragment = live.content.decode()
    assert fragment.lstrip().startswith('<div id="season-live"') and "<html" not in fragment
    assert "Week 2: " not in fragment
    assert 'id="season-header"' in fragment and 'id="week-2-drill"' in fragment
    page = signed_in.get(f"/seasons/{workflow_id}")
    assert "Week 2: " in page.content.decode()

    # The drill-down, read when unfolded, adds up to the week: stores to the actual, shares of
    # the plan of record to the plan, clusters to their stores.
    assert "Loading the week's clusters and stores" in fragment and "By store (" not in fragment
    for review in page.context["reviews"]:
        unfolded = signed_in.get(f"/seasons/{workflow_id}/weeks/{review.week_number}/drill")
        assert "By store (click a heading to sort)" in unfolded.content.decode()
        drill = unfolded.context["drill"]
        assert sum(s["sold"] for s in drill["stores"]) == review.actual_units
        assert sum(s["planned"] for s in drill["stores"]) == pytest.approx(review.forecast_units)
        assert sum(c["sold"] for c in drill["clusters"]) == review.actual_units
        assert sum(c["stores"] for c in drill["clusters"]) == len(drill["stores"])
        for store in drill["stores"]:
            if store["planned"]:
                expected = (store["sold"] - store["planned"]) / store["planned"]
                assert store["variance"] == pytest.approx(expected)

    # Last year's same weeks on the chart: the history's units 364 days earlier, week by week.
    history = pd.read_csv(sample_dir / "historical_sales_2022_2024.csv", parse_dates=["date"])
    dresses = history[history["category"] == "Women's Dresses"]
    figure = page.context["chart"]
    last_year = next(t for t in figure["data"] if t.get("name") == "Last year, same weeks")
    first = pd.Timestamp("2025-02-17") - pd.Timedelta(days=364)
    for index, units in enumerate(last_year["y"]):
        start = first + pd.Timedelta(days=7 * index)
        end = start + pd.Timedelta(days=7)
        week = dresses[(dresses["date"] >= start) & (dresses["date"] < end)]
        assert units == int(week["quantity_sold"].sum())
    # The cumulative view: hidden at first, the actual's running total, a button for each view.
    actual = next(t for t in figure["data"] if t.get("name") == "Actual, cumulative")
    reviews = page.context["reviews"]
    assert actual["visible"] is False
    first_two = [reviews[0].actual_units, reviews[0].actual_units + reviews[1].actual_units]
    assert actual["y"] == first_two
    assert signed_in.get(f"/seasons/{workflow_id}/weeks/3/drill").status_code == 404
    buttons = figure["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["Weekly", "Cumulative"]
    assert buttons[1]["args"][0]["visible"][figure["data"].index(actual)] is True
    band = [t for t in figure["data"] if t.get("name") == "Plan in force: 80 % interval"]
    assert band and band[0]["fill"] == "tonexty"
    assert page.context["chart_summary"].startswith("The original plan: ")
    assert "Weeks 1-2: sold " in page.context["chart_summary"]


def test_the_live_part_needs_the_view_role(client: Client) -> None:
    assert client.get("/seasons/1/live").status_code == 302


def test_a_planner_changes_replenishment_lines_on_the_page(
    signed_in: Client, sample_dir: Path
) -> None:
    workflow_id, frame = _started(signed_in, sample_dir, "high_demand.csv")
    number = 0
    while number < 12 and Shipment.objects.filter(status="proposed", units__gt=0).count() < 2:
        number += 1
        raw = frame[frame["week_number"] == number].to_csv(index=False).encode()
        week = {"week_number": number, "file": SimpleUploadedFile("w.csv", raw)}
        signed_in.post(f"/seasons/{workflow_id}/weeks", week)
    proposed = number + 1
    first, second = Shipment.objects.filter(
        week_number=proposed, status="proposed", units__gt=0, from_store=None
    ).order_by("store_id")[:2]
    page = signed_in.get(f"/seasons/{workflow_id}").content.decode()
    assert f'name="units:{first.store_id}" value="{first.units}"' in page
    assert f"Reject week {proposed}" in page

    refused = signed_in.post(
        f"/seasons/{workflow_id}/replenishment/{proposed}",
        {f"units:{first.store_id}": "ten", "action": "approve"},
        follow=True,
    ).content.decode()
    assert f"Units for {first.store_id} must be a whole number of 0 or more" in refused
    assert Shipment.objects.get(pk=first.pk).status == "proposed"

    done = signed_in.post(
        f"/seasons/{workflow_id}/replenishment/{proposed}",
        {f"units:{first.store_id}": str(first.units + 3), f"units:{second.store_id}": "0"},
        follow=True,
    ).content.decode()

    assert "1 lines rejected." in done
    assert Shipment.objects.get(pk=first.pk).units == first.units + 3
    assert Shipment.objects.get(pk=second.pk).status == "rejected"
    assert f"(proposed {first.units:,})" in done
    assert f"Rejected: {second.store_id} ({second.units:,})." in done


def test_economics_that_became_invalid_warn_on_the_page_and_never_answer_500(
    signed_in: Client,
) -> None:
    workflow_id = _plan(signed_in)
    saved = signed_in.post(
        f"/seasons/{workflow_id}/economics",
        {"price": "", "unit_cost": "54.99", "salvage_value": "", "shipment_cost": ""},
        follow=True,
    ).content.decode()
    assert "unit cost 54.99" in saved
    # One legitimate history row sold at no revenue moves the derived price below the cost.
    first = HistoricalSale.objects.filter(category_id="womens-dresses").order_by("date").first()
    services.history_import(
        raw=(
            "date,store_id,category,quantity_sold,revenue\n"
            f"{first.date - dt.timedelta(days=1)},{first.store_id},Women's Dresses,5000,0\n"
        ).encode()
    )

    page = signed_in.get(f"/seasons/{workflow_id}")
    live = signed_in.get(f"/seasons/{workflow_id}/live")
    what_if = signed_in.post(
        f"/api/workflows/{workflow_id}/what-if", {}, content_type="application/json"
    )

    assert page.status_code == 200 and live.status_code == 200
    text = html.unescape(page.content.decode())
    assert "The economics of Women's Dresses no longer hold together" in text
    assert "must be above the unit cost 54.99" in text
    assert f'action="/seasons/{workflow_id}/economics"' in text
    assert what_if.status_code == 409
    assert "must be above the unit cost 54.99" in what_if.json()["message"]


def test_the_glossary_defines_the_words_the_season_page_links_to(client: Client, db: None) -> None:
    client.force_login(user_with_roles("viewer", "viewers"))

    page = client.get("/glossary").content.decode()

    for term in ("variance", "ensemble", "backtest", "wape", "range", "plan-update", "margin"):
        assert f'<dt id="{term}">' in page
    assert "a positive variance means sales above the plan" in page


def test_benchmark_reads_times_each_read_of_a_season_with_its_queries(signed_in: Client) -> None:
    workflow_id = _plan(signed_in)
    get_user_model().objects.create_superuser("reader", "reader@example.com", "x" * 20)
    out = StringIO()

    call_command("benchmark_reads", "--repeat", "1", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"season {workflow_id} (")
    page = next(line for line in lines if line.startswith(f"/seasons/{workflow_id} "))
    assert re.search(r" 200 +[\d.]+ ms +\d+ queries$", page), page


def test_home_page_shows_loaded_data(client: Client, member) -> None:
    HistoricalSaleFactory(category__name="Accessories", category__slug="accessories")
    client.force_login(member)

    page = client.get("/").content.decode()

    assert "Accessories" in page
    assert f"{Store.objects.count()} stores." in page


def test_the_live_part_of_an_unchanged_season_is_a_304_without_reading_the_season(
    signed_in: Client, sample_dir: Path
) -> None:
    workflow_id, frame = _started(signed_in, sample_dir, "low_demand.csv")
    raw = frame[frame["week_number"] == 1].to_csv(index=False).encode()
    signed_in.post(
        f"/seasons/{workflow_id}/weeks",
        {"week_number": 1, "file": SimpleUploadedFile("w.csv", raw)},
    )
    first = signed_in.get(f"/seasons/{workflow_id}/live")
    etag = first["ETag"]

    with CaptureQueriesContext(connection) as read:
        again = signed_in.get(f"/seasons/{workflow_id}/live", HTTP_IF_NONE_MATCH=etag)
    # A change that streams no event: the category's price, set in the admin.
    Category.objects.filter(slug="womens-dresses").update(price=Decimal("61.00"))
    repriced = signed_in.get(f"/seasons/{workflow_id}/live", HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200 and "no-cache" in first["Cache-Control"]
    assert (again.status_code, again.content) == (304, b"")
    # The session, the user and the three reads of the stamp; no week is replayed.
    assert len(read.captured_queries) <= 6, [q["sql"] for q in read.captured_queries]
    assert repriced.status_code == 200 and repriced["ETag"] != etag
