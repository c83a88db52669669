"""`manage.py benchmark_forecast` on a history file in the planner's format."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from planner.data.sample_data import HISTORY_FILE


def test_the_benchmark_prints_accuracy_coverage_and_the_split_table(sample_dir: Path) -> None:
    out = StringIO()

    call_command(
        "benchmark_forecast",
        history=str(sample_dir / HISTORY_FILE),
        origins=2,
        levels="chain",
        methods="ensemble,ratio,seasonal_naive",
        stdout=out,
    )

    text = out.getvalue()
    assert "2 origins 2024-08-14 .. 2024-10-09, 8 weeks apart, 12 weeks ahead" in text
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if "|" in line}
    assert set(rows) >= {
        "ensemble (the project)",
        "seasonal naive",
        "Accessories",
        "Men's Shirts",
        "Women's Dresses",
        "mean",
    }
    ensemble = [cell.strip() for cell in rows["ensemble (the project)"].split("|")[1:-1]]
    # method, 5 errors, 6 weekly coverage cells, 2 season-total coverage cells, CRPS, seconds
    assert len(ensemble) == 16
    assert all(re.fullmatch(r"\d+\.\d+", cell) for cell in ensemble[1:3] + ensemble[6:])
    naive = [cell.strip() for cell in rows["seasonal naive"].split("|")[1:-1]]
    assert naive[12:15] == ["-", "-", "-"]  # a point forecast has no season distribution
    assert "the heavier-weighted member was the better one" in text


def test_a_file_without_the_needed_columns_is_a_clear_error(tmp_path: Path) -> None:
    history = tmp_path / "h.csv"
    history.write_text("date,store,units\n2024-01-01,S1,3\n")

    with pytest.raises(CommandError, match="lacks the columns category, quantity_sold, store_id"):
        call_command("benchmark_forecast", history=str(history))
