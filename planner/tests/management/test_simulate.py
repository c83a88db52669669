"""`manage.py simulate`: the three policies side by side, reproducible by seed."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _run(sample_dir: Path, **options) -> str:
    out = StringIO()
    call_command(
        "simulate",
        directory=sample_dir,
        paths=8,
        search_paths=3,
        workers=1,
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_the_table_shows_plan_push_and_recommended_and_repeats_by_seed(sample_dir: Path) -> None:
    first = _run(sample_dir, policy=["holdback=0.3", "strategy=bi-weekly"])
    again = _run(sample_dir, policy=["holdback=0.3", "strategy=bi-weekly"])

    tables = [
        [line for line in text.splitlines() if line.startswith("|")] for text in (first, again)
    ]
    assert tables[0] == tables[1]
    header = tables[0][0]
    assert header == "| | plan as proposed | push baseline | recommended | your choice |"
    assert any(line.startswith("| gross margin |") for line in tables[0])
    assert "holdback 30%, bi-weekly replenishment" in first
    assert "critical ratio (price - cost) / (price - salvage) = (55.00 - 24.75)" in first
    assert "recommended vs plan as proposed: mean margin" in first


def test_a_bad_override_is_a_clear_error(sample_dir: Path) -> None:
    with pytest.raises(CommandError, match="KEY one of"):
        _run(sample_dir, policy=["colour=red"])
