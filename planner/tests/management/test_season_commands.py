"""run_season, reforecast and extract_parameters drive the same services as the API."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from forecasting.models import Forecast
from planner.models import Workflow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def restore_execution(settings):
    settings.WORKFLOW_EXECUTION = "inline"  # the commands set it; keep other tests unaffected


def test_run_season_plays_a_whole_season(season_data, sample_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr("planner.management.commands.run_season.SAMPLE_DIR", sample_dir)
    out = StringIO()

    call_command("run_season", "--scenario", "high_demand", "--auto-accept", stdout=out)

    text = out.getvalue()
    assert "[demand] Forecast " in text
    assert "Approved: " in text
    # The plan follows the +25 % every week: the level column reaches it.
    assert "plan x" in text and "   1.2" in text
    assert "\n  12 " in text
    assert "Season report: sold " in text
    season = Workflow.objects.get()
    assert season.status == "closed"
    assert season.week_reviews.count() == 12


def test_run_season_stops_at_the_approval_without_auto_accept(season_data) -> None:
    out = StringIO()

    call_command("run_season", stdout=out)

    assert "waits for the manufacturing approval" in out.getvalue()
    assert Workflow.objects.get().status == "awaiting_order"


def test_reforecast_command(season_data, sample_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr("planner.management.commands.run_season.SAMPLE_DIR", sample_dir)
    call_command("run_season", "--scenario", "normal", "--auto-accept", stdout=StringIO())
    original = Forecast.objects.get(version=1)
    out = StringIO()

    call_command("reforecast", str(original.pk), stdout=out)

    newest = Forecast.objects.order_by("-version").first()
    assert out.getvalue().startswith(
        f"Season {newest.workflow_id}: plan in force v13 (after week 12)"
    )
    assert newest.adjustment["after_week"] == 12 and newest.adjustment["revision"] is True
    assert Workflow.objects.count() == 1
    with pytest.raises(CommandError, match="No forecast with id 999999"):
        call_command("reforecast", "999999")


def test_extract_parameters_command() -> None:
    out = StringIO()

    call_command(
        "extract_parameters",
        "10 week season from May 1st. Bi-weekly replenishment, 20% holdback.",
        "--today",
        "2025-01-15",
        stdout=out,
    )

    assert '"replenishment_strategy": "bi-weekly"' in out.getvalue()
    with pytest.raises(CommandError, match="forecast_horizon_weeks: a season must be 4 to 52"):
        call_command("extract_parameters", "a 99-week season from May 1st")
