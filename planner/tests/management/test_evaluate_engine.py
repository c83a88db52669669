"""The engine's evaluation command prints its tables from the generated files."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command


def test_evaluate_engine_replays_every_scenario(sample_dir: Path) -> None:
    out = StringIO()

    call_command("evaluate_engine", "--directory", str(sample_dir), "--skip-holdout", stdout=out)

    text = out.getvalue()
    assert "== Women's Dresses: 12 weeks from 2025-02-17, weekly replenishment" in text
    for scenario in (
        "normal",
        "high_demand",
        "low_demand",
        "steady_underperformance",
        "severe_underperformance",
    ):
        # The pre-season row, then the season under the product's policy.
        assert text.count(f"\n{scenario} ") == 2
        assert f"\n{scenario:<24}now " in text
    assert "Ensemble beats seasonal naive on WAPE in " in text
    assert "run_week " in text and " ms a week" in text
