"""The season replay on a real-format history (planner.engine.replay)."""

import dataclasses
import datetime as dt
import itertools
import math
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from planner.engine.replay import (
    POLICIES,
    ReplayError,
    ReplaySettings,
    replay_history,
    season_starts,
    totals,
)
from planner.tests.engine.test_season import POLICY
from shared.economics import Economics

FIRST = dt.date(2021, 1, 4)


def _history(weeks: int, *, stores: int = 4, seed: int = 0) -> pd.DataFrame:
    """Daily sales of one category: a yearly cycle, stores of different sizes, Poisson days."""
    rng = np.random.default_rng(seed)
    rows = []
    for day_index in range(7 * weeks):
        day = FIRST + dt.timedelta(days=day_index)
        season = 1 + 0.3 * math.sin(2 * math.pi * day_index / 364)
        for store in range(stores):
            units = int(rng.poisson(20 * (store + 1) * season))
            rows.append((day, f"S{store + 1}", "tees", units))
    return pd.DataFrame(rows, columns=["date", "store_id", "category", "quantity_sold"])


SETTINGS = ReplaySettings(
    weeks=12,
    strategy="weekly",
    holdback_pct=0.45,
    safety_stock_pct=0.20,
    # The product's replay: no markdown checkpoint, so real sales are the whole demand.
    policy=dataclasses.replace(POLICY, markdown_checkpoint_week=None, markdown_threshold=None),
    economics=Economics(price=30.0, unit_cost=13.5, salvage_value=4.05),
    shock_prior_sd=0.20,
    shock_prior_seasons=4.0,
    clusters=2,
    search_paths=4,
)


def test_a_history_too_short_for_one_season_names_the_shortfall() -> None:
    with pytest.raises(ReplayError, match=r"holds 60 weeks .* 4 more weeks are needed"):
        season_starts(
            FIRST, FIRST + dt.timedelta(weeks=60, days=-1), weeks=12, every_weeks=8, years=2
        )


def test_starts_are_every_n_weeks_back_from_the_last_full_season() -> None:
    last = FIRST + dt.timedelta(weeks=120, days=-1)

    starts = season_starts(FIRST, last, weeks=12, every_weeks=8, years=1)

    assert starts[-1] == FIRST + dt.timedelta(weeks=108)
    assert all((b - a).days == 56 for a, b in itertools.pairwise(starts))
    assert starts[0] >= last - dt.timedelta(days=366)


def test_a_replayed_season_serves_the_real_sales_and_closed_seasons_teach_the_shock() -> None:
    history = _history(100)

    seasons = replay_history(history, SETTINGS, every_weeks=13, years=0.6, workers=1)

    assert [s.start for s in seasons] == [FIRST + dt.timedelta(weeks=w) for w in (75, 88)]
    first, second = seasons
    in_season = history[
        (history["date"] >= first.start) & (history["date"] < first.start + dt.timedelta(weeks=12))
    ]
    for label in POLICIES:
        outcome = first.outcomes[label]
        # Real sales are the demand: every unit sold or lost, none invented.
        assert outcome.sold + outcome.lost == outcome.demand == in_season["quantity_sold"].sum()
        assert outcome.sold <= outcome.order_units
    # The first season had no closed season before it; the second learned from the first.
    assert first.shock_sd == 0.20
    assert second.shock_sd < 0.20
    low, high = first.interval_80
    assert low < first.forecast_units < high
    summed = totals(seasons, POLICIES[0])
    assert summed["seasons"] == 2
    assert summed["sold"] == sum(s.outcomes[POLICIES[0]].sold for s in seasons)


def test_the_command_prints_the_totals_and_refuses_a_short_file(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    _history(90).to_csv(path, index=False)
    out = StringIO()

    call_command("replay_seasons", history=str(path), years=0.1, workers=1, stdout=out)

    text = out.getvalue()
    assert "1 seasons of 12 weeks" in text
    for label in POLICIES:
        assert f"| {label} |" in text
    assert "season totals inside the forecast's 80 % interval:" in text

    short = tmp_path / "short.csv"
    _history(40).to_csv(short, index=False)
    with pytest.raises(CommandError, match="24 more weeks are needed"):
        call_command("replay_seasons", history=str(short), workers=1)


def test_the_command_prints_each_season_and_policy_with_every_figure(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    _history(90).to_csv(path, index=False)
    out = StringIO()

    call_command(
        "replay_seasons", history=str(path), years=0.1, workers=1, seasons=True, stdout=out
    )

    lines = out.getvalue().splitlines()
    head = next(line for line in lines if line.startswith("| category | start |"))
    for column in (
        "sold",
        "lost",
        "left at stores",
        "left at the DC",
        "DC never shipped",
        "stockout store-weeks while the DC held stock",
        "revenue",
        "gross margin",
    ):
        assert f"| {column} |" in head
    width = head.count("|")
    rows = [line for line in lines[lines.index(head) + 2 :] if line.startswith("| ")]
    season_rows = rows[: len(POLICIES)]
    assert [row.split(" | ")[7] for row in season_rows] == list(POLICIES)
    assert all(row.count("|") == width for row in season_rows)
