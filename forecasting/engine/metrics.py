"""Forecast error measures, as fractions. No Django imports."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def wape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Weighted absolute percentage error: sum |a - f| / sum a."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    total = a.sum()
    return float(np.abs(a - f).sum() / total) if total > 0 else float("nan")


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute percentage error over the weeks with sales (zero-sales weeks skipped)."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    sold = a > 0
    return float(np.mean(np.abs(a[sold] - f[sold]) / a[sold])) if sold.any() else float("nan")


def bias(actual: ArrayLike, forecast: ArrayLike) -> float:
    """(sum f - sum a) / sum a: positive when the forecast ran high."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    total = a.sum()
    return float((f.sum() - total) / total) if total > 0 else float("nan")
