"""The two ensemble members and the seasonal-naive baseline (SPEC.md section 7.1).

Each function takes the weekly history and a number of steps, and forecasts the `steps`
weeks that follow the last history week: every member forecasts the same calendar weeks from
the same origin. No Django imports. Prophet is imported lazily (it takes about a second).
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings

import numpy as np
import pandas as pd

from forecasting.engine.types import WeeklySeries

SEASON_LAG = 52  # weeks in a seasonal cycle of 7-day buckets (364 days)
# The ARIMA member models year-on-year change, so it needs a year plus some weeks of change.
MIN_WEEKS_FOR_SEASONAL_ARIMA = SEASON_LAG + 13
FOURIER_ORDER_SHORT_HISTORY = 3
PROPHET_YEARLY_ORDER = 10


def _quiet_prophet_loggers() -> None:
    """cmdstanpy logs two INFO lines per fit, and installs its own console handler when its
    logger has none (so a handler is given first); Prophet warns about backtest origins with
    under two years of history and, at import, about plotly being absent."""
    stan = logging.getLogger("cmdstanpy")
    if not stan.handlers:
        stan.addHandler(logging.NullHandler())
    stan.setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.ERROR)
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)


def future_week_starts(series: WeeklySeries, steps: int) -> list[dt.date]:
    last = series.week_starts[-1]
    return [last + dt.timedelta(days=7 * (i + 1)) for i in range(steps)]


def prophet_forecast(series: WeeklySeries, steps: int) -> np.ndarray:
    """Prophet with multiplicative yearly seasonality, no weekly or daily seasonality (the
    data are weekly). Point forecasts only: intervals come from the ensemble's backtest."""
    _quiet_prophet_loggers()
    from prophet import Prophet

    _quiet_prophet_loggers()  # prophet.forecaster sets its logger to INFO when imported
    model = Prophet(
        growth="linear",
        yearly_seasonality=PROPHET_YEARLY_ORDER,
        weekly_seasonality=False,
        daily_seasonality=False,
        seasonality_mode="multiplicative",
        uncertainty_samples=0,
    )
    history = pd.DataFrame(
        {"ds": pd.to_datetime(list(series.week_starts)), "y": np.asarray(series.units)}
    )
    model.fit(history)
    future = pd.DataFrame({"ds": pd.to_datetime(future_week_starts(series, steps))})
    predicted = model.predict(future)["yhat"].to_numpy()
    return np.clip(predicted, 0.0, None)


def _fourier(week_starts: list[dt.date], order: int) -> np.ndarray:
    """Yearly sine/cosine pairs of calendar time, so the cycle follows dates, not indices."""
    epoch = dt.date(2000, 1, 1)
    years = np.array([(day - epoch).days / 365.25 for day in week_starts])
    return np.column_stack(
        [f(2 * np.pi * k * years) for k in range(1, order + 1) for f in (np.sin, np.cos)]
    )


def arima_forecast(series: WeeklySeries, steps: int) -> np.ndarray:
    """ARIMA(1,0,0)(0,1,0)[52] with drift on log units.

    The seasonal difference z_t = log y_t - log y_(t-52) is modelled as AR(1) plus a constant
    (the yearly growth), so the forecast is last year's same week, grown by the drift and
    pulled by recent year-on-year deviations: it keeps the spring ramp, month steps and event
    weeks that the history has. With less than 65 weeks of history it falls back to
    AR(1) + constant with yearly Fourier terms.
    """
    from statsmodels.tsa.arima.model import ARIMA

    log_units = np.log1p(np.asarray(series.units, dtype=float))
    with warnings.catch_warnings():
        # Convergence chatter on short or very regular series; the fit is still usable.
        warnings.simplefilter("ignore")
        if len(log_units) >= MIN_WEEKS_FOR_SEASONAL_ARIMA:
            change = log_units[SEASON_LAG:] - log_units[:-SEASON_LAG]
            fitted = ARIMA(change, order=(1, 0, 0), trend="c").fit()
            change_ahead = fitted.forecast(steps)
            path = list(log_units)
            for step in range(steps):
                path.append(path[-SEASON_LAG] + change_ahead[step])
            predicted = np.asarray(path[len(log_units) :])
        else:
            history_exog = _fourier(list(series.week_starts), FOURIER_ORDER_SHORT_HISTORY)
            future_exog = _fourier(future_week_starts(series, steps), FOURIER_ORDER_SHORT_HISTORY)
            fitted = ARIMA(log_units, exog=history_exog, order=(1, 0, 0), trend="c").fit()
            predicted = fitted.forecast(steps, exog=future_exog)
    return np.clip(np.expm1(predicted), 0.0, None)


def seasonal_naive_forecast(series: WeeklySeries, steps: int) -> np.ndarray:
    """The baseline: each week is the same week a year (52 weeks) earlier."""
    units = list(series.units)
    for _ in range(steps):
        units.append(units[-SEASON_LAG])
    return np.asarray(units[len(series.units) :])


MEMBERS = {"prophet": prophet_forecast, "arima": arima_forecast}
