"""Store shares of a category's season from recent evidence (SPEC.md section 7.3).

Each store's share is its share of the category's sales over a recent window: 4, 8, 13, 26 or
52 weeks, whichever would have predicted the next season's shares best on the last year's
origins (short windows follow stores that change; long ones average out noise). Stores without
sales in the window have no evidence; the allocation gives them their cluster's per-store
average. No Django imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SHARE_WINDOWS = (4, 8, 13, 26, 52)
# Backtest origins for the window: the season length before the end, then every 8 weeks back.
SHARE_ORIGINS = 4
SHARE_SPACING_WEEKS = 8
# Weeks of history read for the shares: the longest window and the backtest's origins.
HISTORY_WEEKS = 2 * max(SHARE_WINDOWS)


# Each store's units per week, oldest first.
Weekly = Mapping[str, Sequence[float] | np.ndarray]


@dataclass(frozen=True)
class ShareChoice:
    """`shares` of the stores with sales in the chosen `window` (summing to 1), and each
    window's mean backtest error (half the sum of |planned - actual share|)."""

    shares: dict[str, float]
    window: int
    errors: dict[int, float]


def shares_over(weekly: Weekly, end: int, window: int) -> dict[str, float]:
    """Each store's share of the units in weeks `end - window` .. `end - 1` (stores with
    none are left out)."""
    start = max(0, end - window)
    units = {store: float(np.sum(values[start:end])) for store, values in weekly.items()}
    total = sum(units.values())
    if total <= 0:
        return {}
    return {store: value / total for store, value in units.items() if value > 0}


def split_error(planned: Mapping[str, float], actual: Mapping[str, float]) -> float:
    """Misallocated share of units: half the sum of |planned - actual| over all stores."""
    stores = set(planned) | set(actual)
    return 0.5 * sum(abs(planned.get(s, 0.0) - actual.get(s, 0.0)) for s in stores)


def recent_shares(weekly: Weekly, *, season_weeks: int = 12) -> ShareChoice:
    """Shares from the window (of `SHARE_WINDOWS`) that best predicted the following
    `season_weeks` on the backtest origins; `weekly[store]` holds the store's units per week,
    oldest first, all the same length and ending just before the season."""
    length = min((len(values) for values in weekly.values()), default=0)
    errors: dict[int, list[float]] = {window: [] for window in SHARE_WINDOWS}
    for k in range(SHARE_ORIGINS):
        origin = length - season_weeks - SHARE_SPACING_WEEKS * k
        if origin < max(SHARE_WINDOWS):
            break
        actual = shares_over(weekly, origin + season_weeks, season_weeks)
        for window in SHARE_WINDOWS:
            errors[window].append(split_error(shares_over(weekly, origin, window), actual))
    mean_errors = {w: float(np.mean(e)) for w, e in errors.items() if e}
    # Ties go to the longer window (steadier); with no origin to judge by, a season's worth.
    fallback = 13
    window = (
        min(mean_errors, key=lambda w: (round(mean_errors[w], 12), -w)) if mean_errors else fallback
    )
    return ShareChoice(
        shares=shares_over(weekly, length, window), window=window, errors=mean_errors
    )


def weekly_by_store(
    rows: Iterable[tuple[dt.date, str, float]], *, season_start: dt.date
) -> dict[str, np.ndarray]:
    """Each store's units in the `HISTORY_WEEKS` 7-day buckets before `season_start`, oldest
    first, ending at the last week with any sales (a gap before the season is not evidence)."""
    weekly: dict[str, np.ndarray] = {}
    for day, store, units in rows:
        days_before = (season_start - day).days
        back = (days_before - 1) // 7  # 0: the week just before the season
        if days_before > 0 and back < HISTORY_WEEKS:
            weekly.setdefault(store, np.zeros(HISTORY_WEEKS))[HISTORY_WEEKS - 1 - back] += units
    if not weekly:
        return {}
    sold = np.flatnonzero(np.sum(list(weekly.values()), axis=0) > 0)
    end = int(sold[-1]) + 1 if len(sold) else HISTORY_WEEKS
    return {store: values[:end] for store, values in weekly.items()}


def recent_units(
    rows: Iterable[tuple[dt.date, str, float]], *, season_start: dt.date, season_weeks: int
) -> tuple[dict[str, float], ShareChoice]:
    """Each store's units in the window `recent_shares` chooses (stores with none are left
    out), and the choice."""
    weekly = weekly_by_store(rows, season_start=season_start)
    choice = recent_shares(weekly, season_weeks=season_weeks)
    length = min((len(values) for values in weekly.values()), default=0)
    start = max(0, length - choice.window)
    units = {store: float(np.sum(values[start:length])) for store, values in weekly.items()}
    return {store: value for store, value in units.items() if value > 0}, choice
