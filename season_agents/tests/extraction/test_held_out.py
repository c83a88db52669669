"""The held-out phrasings are scored by a command, never used by the rules' own tests."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from season_agents.extraction.held_out import HELD_OUT


def test_the_benchmark_scores_every_held_out_phrasing_and_lists_each_miss() -> None:
    out = StringIO()

    call_command("benchmark_extraction", stdout=out)

    lines = out.getvalue().splitlines()
    summary = lines[-1]
    assert summary.startswith("held-out phrasings extracted right: ")
    right = int(summary.split(": ")[1].split(" of ")[0])
    assert summary.split(" of ")[1].startswith(f"{len(HELD_OUT)} ")
    assert sum(1 for line in lines if line.startswith("x  ")) == len(HELD_OUT) - right


def test_the_development_set_does_not_contain_a_held_out_phrasing() -> None:
    development = (Path(__file__).parent / "test_phrasings.py").read_text()
    for text, _ in HELD_OUT:
        assert text[:40] not in development
