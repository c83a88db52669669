"""Store shares of a category's season from recent evidence.

Each store's share is its share of the category's recent sales: over the last 4, 8, 13, 26 or
52 weeks, or over all weeks weighted by a half-life of as many weeks, whichever rule would have
predicted the next season's shares best on the last year's origins (short windows follow
stores that change; long ones average out noise). Stores without
sales in the window have no evidence; the allocation gives them their cluster's per-store
average. No Django imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SHARE_WEEKS = (4, 8, 13, 26, 52)
# Backtest origins for the rule: the season length before the end, then every 8 weeks back.
SHARE_ORIGINS = 4
SHARE_SPACING_WEEKS = 8
# Weeks of history read for the shares: the longest window and the backtest's origins.
HISTORY_WEEKS = 2 * max(SHARE_WEEKS)


# Each store's units per week, oldest first.
Weekly = Mapping[str, Sequence[float] | np.ndarray]


@dataclass(frozen=True)
class StoreWeeks:
    """Each store's units per week, oldest first: row `i` of `units` is `stores[i]`'s (stores
    in sorted order, all rows as long)."""

    stores: tuple[str, ...]
    units: np.ndarray  # stores x weeks

    @classmethod
    def of(cls, weekly: Weekly) -> StoreWeeks:
        """The mapping's stores, each cut to the shortest one's weeks."""
        stores = tuple(sorted(weekly))
        length = min((len(weekly[store]) for store in stores), default=0)
        rows = [np.asarray(weekly[store], dtype=float)[:length] for store in stores]
        return cls(stores, np.array(rows).reshape(len(stores), length))

    @property
    def weeks(self) -> int:
        return int(self.units.shape[1])

    def by_store(self, values: np.ndarray) -> dict[str, float]:
        return dict(zip(self.stores, values.tolist(), strict=True))


@dataclass(frozen=True)
class ShareRule:
    """Sales of the last `weeks` weeks, or (`weighted`) all weeks weighted by half every
    `weeks` weeks back."""

    weeks: int
    weighted: bool = False

    @property
    def label(self) -> str:
        return f"half-life {self.weeks} weeks" if self.weighted else f"last {self.weeks} weeks"

    def totals(self, weekly: StoreWeeks, end: int) -> np.ndarray:
        """Each store's (weighted) units in the weeks before `end`, in `weekly.stores` order."""
        if self.weighted:
            weights = 0.5 ** (np.arange(end)[::-1] / self.weeks)
            return weekly.units[:, :end] @ weights
        return weekly.units[:, max(0, end - self.weeks) : end].sum(axis=1)

    def units(self, weekly: Weekly, end: int) -> dict[str, float]:
        """Each store's (weighted) units in the weeks before `end`."""
        store_weeks = StoreWeeks.of(weekly)
        return store_weeks.by_store(self.totals(store_weeks, end))


RULES = tuple(ShareRule(w, weighted) for weighted in (False, True) for w in SHARE_WEEKS)
FALLBACK_RULE = ShareRule(13)  # a season's worth of weeks, when no origin can judge


@dataclass(frozen=True)
class ShareChoice:
    """`shares` of the stores with sales under the chosen `rule` (summing to 1), the stores'
    `units` under it, and each rule's mean backtest error (half the sum of |planned - actual
    share|), by label."""

    shares: dict[str, float]
    units: dict[str, float]
    rule: ShareRule
    errors: dict[str, float]

    @property
    def error(self) -> float | None:
        """The chosen rule's mean backtest error; None when no origin could judge it."""
        return self.errors.get(self.rule.label)


def _share_vector(units: np.ndarray) -> np.ndarray:
    """Each store's share of the units (all zero when there are none)."""
    total = units.sum()
    return units / total if total > 0 else np.zeros_like(units)


def _shares(units: Mapping[str, float]) -> dict[str, float]:
    total = sum(units.values())
    if total <= 0:
        return {}
    return {store: value / total for store, value in units.items() if value > 0}


def shares_over(weekly: Weekly, end: int, window: int) -> dict[str, float]:
    """Each store's share of the units in weeks `end - window` .. `end - 1` (stores with
    none are left out)."""
    return _shares(ShareRule(window).units(weekly, end))


def split_error(planned: Mapping[str, float], actual: Mapping[str, float]) -> float:
    """Misallocated share of units: half the sum of |planned - actual| over all stores."""
    stores = set(planned) | set(actual)
    return 0.5 * sum(abs(planned.get(s, 0.0) - actual.get(s, 0.0)) for s in stores)


def recent_shares(weekly: Weekly | StoreWeeks, *, season_weeks: int = 12) -> ShareChoice:
    """Shares by the rule (of `RULES`) that best predicted the following `season_weeks` on
    the backtest origins; `weekly[store]` holds the store's units per week, oldest first, all
    the same length and ending just before the season. Ties go to the steadier rule (longer,
    then unweighted)."""
    matrix = weekly if isinstance(weekly, StoreWeeks) else StoreWeeks.of(weekly)
    length = matrix.weeks
    errors: dict[ShareRule, list[float]] = {rule: [] for rule in RULES}
    for k in range(SHARE_ORIGINS):
        origin = length - season_weeks - SHARE_SPACING_WEEKS * k
        if origin < max(SHARE_WEEKS):
            break
        actual = _share_vector(ShareRule(season_weeks).totals(matrix, origin + season_weeks))
        for rule in RULES:
            planned = _share_vector(rule.totals(matrix, origin))
            errors[rule].append(0.5 * float(np.abs(planned - actual).sum()))
    mean_errors = {rule: float(np.mean(e)) for rule, e in errors.items() if e}
    rule = (
        min(mean_errors, key=lambda r: (round(mean_errors[r], 12), -r.weeks, r.weighted))
        if mean_errors
        else FALLBACK_RULE
    )
    totals = rule.totals(matrix, length)
    sold = totals > 0
    units = dict(zip(np.asarray(matrix.stores)[sold].tolist(), totals[sold].tolist(), strict=True))
    return ShareChoice(
        shares=_shares(units),
        units=units,
        rule=rule,
        errors={r.label: e for r, e in mean_errors.items()},
    )


def store_weeks(
    days_before: np.ndarray, store: np.ndarray, stores: Sequence[str], units: np.ndarray
) -> StoreWeeks:
    """Each store's units in the `HISTORY_WEEKS` 7-day buckets before the season, oldest
    first, ending at the last week with any sales (a gap before the season is not evidence),
    from rows given as columns: days from the row's date to the season's start, its store (an
    index into `stores`, which are sorted) and its units."""
    days_before, units = np.asarray(days_before), np.asarray(units, dtype=float)
    back = (days_before - 1) // 7  # 0: the week just before the season
    kept = (days_before > 0) & (back < HISTORY_WEEKS)
    present, row = np.unique(np.asarray(store)[kept], return_inverse=True)
    matrix = np.zeros((len(present), HISTORY_WEEKS))
    np.add.at(matrix, (row, HISTORY_WEEKS - 1 - back[kept]), units[kept])
    sold = np.flatnonzero(matrix.sum(axis=0) > 0)
    end = int(sold[-1]) + 1 if len(sold) else HISTORY_WEEKS
    names = tuple(stores[code] for code in present.tolist())
    return StoreWeeks(names, matrix[:, :end] if len(names) else np.zeros((0, 0)))


def _columns(
    rows: Iterable[tuple[dt.date, str, float]], season_start: dt.date
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    days, names, units = [], [], []
    for day, name, sold in rows:
        days.append((season_start - day).days)
        names.append(name)
        units.append(sold)
    stores, store = np.unique(np.array(names, dtype=str), return_inverse=True)
    return np.array(days, dtype=np.int64), store, stores.tolist(), np.array(units, dtype=float)


def weekly_by_store(
    rows: Iterable[tuple[dt.date, str, float]], *, season_start: dt.date
) -> dict[str, np.ndarray]:
    """Each store's units in the `HISTORY_WEEKS` 7-day buckets before `season_start`, oldest
    first, ending at the last week with any sales (a gap before the season is not evidence)."""
    weeks = store_weeks(*_columns(rows, season_start))
    return dict(zip(weeks.stores, weeks.units, strict=True))


def recent_units(
    rows: Iterable[tuple[dt.date, str, float]], *, season_start: dt.date, season_weeks: int
) -> tuple[dict[str, float], ShareChoice]:
    """Each store's units under the rule `recent_shares` chooses (stores with none are left
    out), and the choice."""
    choice = recent_shares(store_weeks(*_columns(rows, season_start)), season_weeks=season_weeks)
    return choice.units, choice
