"""Rolling-origin benchmark of the store split: the project's recent shares against the
share baselines, on any history (`manage.py benchmark_forecast`). No Django imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from allocation.engine.shares import recent_shares, shares_over, split_error
from forecasting.engine import members
from forecasting.engine.benchmark import weekly_actuals


@dataclass(frozen=True)
class SplitScore:
    """Mean misallocated share per category for the project's split and the baselines."""

    category: str
    stores: int
    errors: dict[str, float]
    rules: tuple[str, ...]


def split_scores(
    store_daily: Mapping[str, Mapping[str, Mapping[dt.date, float]]],
    origins: Sequence[dt.date],
    *,
    horizon: int,
) -> list[SplitScore]:
    """The project's store split (recent shares, rule by backtest) and the share baselines,
    per category: `store_daily[category][store]` holds a store's daily units."""
    results = []
    for category, stores in store_daily.items():
        errors: dict[str, list[float]] = {
            "project": [],
            "last 52 weeks": [],
            "last 13 weeks": [],
            "same season last year": [],
        }
        rules = []
        for origin in origins:
            first = min(min(daily) for daily in stores.values() if daily)
            weeks_before = (origin - first).days // 7
            start = origin - dt.timedelta(weeks=weeks_before)
            weekly = {s: weekly_actuals(d, start, weeks_before) for s, d in stores.items()}
            future = {s: weekly_actuals(d, origin, horizon) for s, d in stores.items()}
            actual = shares_over(future, horizon, horizon)
            if not actual or weeks_before < members.SEASON_LAG + horizon:
                continue
            choice = recent_shares(weekly, season_weeks=horizon)
            rules.append(choice.rule.label)
            last_year_end = weeks_before - members.SEASON_LAG + horizon
            planned = {
                "project": choice.shares,
                "last 52 weeks": shares_over(weekly, weeks_before, 52),
                "last 13 weeks": shares_over(weekly, weeks_before, 13),
                "same season last year": shares_over(weekly, last_year_end, horizon),
            }
            for name, shares in planned.items():
                errors[name].append(split_error(shares, actual))
        if errors["project"]:
            results.append(
                SplitScore(
                    category=category,
                    stores=len(stores),
                    errors={name: float(np.mean(values)) for name, values in errors.items()},
                    rules=tuple(rules),
                )
            )
    return results
