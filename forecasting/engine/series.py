"""From dated sales rows to a weekly series aligned to the season.

No Django imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecasting.engine.types import WeeklySeries


def weekly_series(daily_units: Mapping[dt.date, float], *, season_start: dt.date) -> WeeklySeries:
    """Sums dated units into 7-day buckets that start on the season start's weekday.

    Only complete buckets are kept: a partial bucket at either end is dropped. History is
    daily or weekly rows; for weekly rows (dates 7 days apart) the last row covers the six
    days after its date. Days without a row inside the covered span count as zero sales.
    Only history before the season starts is used (a season in the past is forecast as it
    would have been).
    """
    if not daily_units:
        return WeeklySeries((), ())
    dates = pd.to_datetime(pd.Index(list(daily_units.keys())))
    units = np.asarray(list(daily_units.values()), dtype=float)
    order = np.argsort(dates.to_numpy())
    dates, units = dates[order], units[order]
    keep = dates < pd.Timestamp(season_start)
    dates, units = dates[keep], units[keep]
    if len(dates) == 0:
        return WeeklySeries((), ())

    gaps = np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(int)
    step_days = int(np.median(gaps)) if len(gaps) else 1
    step_days = 7 if step_days >= 7 else 1
    first_day = dates[0]
    last_covered = min(
        dates[-1] + pd.Timedelta(days=step_days - 1),
        pd.Timestamp(season_start) - pd.Timedelta(days=1),
    )

    start = pd.Timestamp(season_start)
    bucket = (dates - start).days // 7
    sums = pd.Series(units).groupby(np.asarray(bucket)).sum()
    first_bucket = int(np.ceil((first_day - start).days / 7))
    last_bucket = int(np.floor(((last_covered - start).days + 1) / 7)) - 1
    if last_bucket < first_bucket:
        return WeeklySeries((), ())
    buckets = np.arange(first_bucket, last_bucket + 1)
    values = sums.reindex(buckets, fill_value=0.0).to_numpy()
    starts = tuple((start + pd.Timedelta(days=7 * int(b))).date() for b in buckets)
    return WeeklySeries(starts, tuple(float(v) for v in values))
