"""Enumerations of the forecasting app."""

from django.db import models


class ForecastMethod(models.TextChoices):
    ENSEMBLE = "ensemble", "Ensemble of ARIMA, AutoARIMA, MSTL and last year x trend"
    BAYESIAN_UPDATE = "bayesian_update", "Bayesian level update of a previous forecast"
    MARKDOWN_LIFT = "markdown_lift", "Previous forecast with the approved markdown's lift"
