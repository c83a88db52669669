"""Store shares from recent evidence."""

import datetime as dt

import numpy as np
import pytest

from allocation.engine.shares import recent_shares, recent_units, split_error, weekly_by_store


def test_the_split_follows_a_stores_recent_share_over_its_old_one() -> None:
    # A sold half the category for a year, then a quarter for the last 30 weeks (a competitor
    # opened next door); the seasons after that kept the quarter.
    weeks = 104
    a = np.where(np.arange(weeks) < weeks - 30, 100.0, 33.3)
    weekly = {"A": a, "B": np.full(weeks, 100.0)}

    choice = recent_shares(weekly, season_weeks=12)

    assert choice.rule.weeks < 52
    assert choice.shares["A"] == pytest.approx(0.25, abs=0.02)
    assert choice.errors[choice.rule.label] < choice.errors["last 52 weeks"]


def test_stable_noisy_shares_take_a_long_memory() -> None:
    rng = np.random.default_rng(3)
    weekly = {store: rng.poisson(20, 104).astype(float) for store in "ABCDEFGH"}

    assert recent_shares(weekly, season_weeks=12).rule.weeks >= 26


def test_weekly_buckets_end_before_the_season_and_skip_a_gap() -> None:
    start = dt.date(2025, 3, 3)
    rows = [
        (start - dt.timedelta(days=22), "A", 5.0),  # 4th week before: 3 weeks of gap follow
        (start - dt.timedelta(days=29), "A", 7.0),
        (start - dt.timedelta(days=23), "B", 1.0),
        (start, "A", 99.0),  # the season's own day: not history
    ]

    weekly = weekly_by_store(rows, season_start=start)

    assert weekly["A"][-2:].tolist() == [7.0, 5.0]
    assert weekly["B"][-2:].tolist() == [0.0, 1.0]
    units, choice = recent_units(rows, season_start=start, season_weeks=12)
    assert units == {"A": 12.0, "B": 1.0}
    assert choice.rule.label == "last 52 weeks"  # a tie: the steadiest rule


def test_split_error_is_half_the_absolute_share_difference() -> None:
    assert split_error({"A": 0.6, "B": 0.4}, {"A": 0.5, "B": 0.4, "C": 0.1}) == pytest.approx(0.1)
