"""Category demand forecasts and their weekly curves (SPEC.md sections 5, 7.1 and 7.6)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from forecasting.choices import ForecastMethod


class Forecast(models.Model):
    """One version of a category's weekly demand plan for one season.

    A reforecast is a new version whose `parent` is the plan it revises.
    """

    category = models.ForeignKey(
        "planner.Category", on_delete=models.PROTECT, related_name="forecasts"
    )
    workflow = models.ForeignKey(
        "planner.Workflow",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forecasts",
        help_text="The workflow that produced this version.",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    version = models.PositiveSmallIntegerField(default=1)
    season_start_date = models.DateField()
    season_end_date = models.DateField()
    horizon_weeks = models.PositiveSmallIntegerField()
    total_units = models.PositiveIntegerField()
    method = models.CharField(max_length=20, choices=ForecastMethod.choices)
    prophet_weight = models.FloatField(help_text="Ensemble weight of the Prophet member, 0-1.")
    arima_weight = models.FloatField(help_text="Ensemble weight of the ARIMA member, 0-1.")
    weighting_note = models.CharField(
        max_length=200, blank=True, help_text="Why these weights (e.g. equal: short history)."
    )
    backtest_mape = models.FloatField(null=True, blank=True, help_text="Fraction, e.g. 0.12.")
    backtest_wape = models.FloatField(null=True, blank=True, help_text="Fraction, e.g. 0.10.")
    peak_week = models.PositiveSmallIntegerField(null=True, blank=True)
    adjustment = models.JSONField(
        default=dict,
        blank=True,
        help_text="For an updated version: prior and likelihood weights, adjustment factor.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="forecast_version_positive"),
            models.CheckConstraint(
                condition=Q(season_end_date__gt=F("season_start_date")),
                name="forecast_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(horizon_weeks__gte=4, horizon_weeks__lte=52),
                name="forecast_horizon_4_to_52",
            ),
            models.CheckConstraint(
                condition=Q(method__in=ForecastMethod.values), name="forecast_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(prophet_weight__gte=0, prophet_weight__lte=1)
                & Q(arima_weight__gte=0, arima_weight__lte=1),
                name="forecast_weights_fractions",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, version=1)
                | Q(parent__isnull=False, version__gt=1),
                name="forecast_version_follows_parent",
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(parent__isnull=False),
                name="forecast_one_revision_per_parent",
            ),
        ]
        indexes = [models.Index(fields=["category", "-created_at"], name="forecast_category")]

    def __str__(self) -> str:
        return f"Forecast {self.pk} v{self.version} {self.category_id} {self.season_start_date}"


class ForecastWeek(models.Model):
    """One season week of a forecast: the ensemble, its 80 and 95 % intervals, both members.

    In an updated version, observed weeks carry the actuals (`is_actual`).
    """

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="weeks")
    week_number = models.PositiveSmallIntegerField()
    week_start_date = models.DateField()
    units = models.FloatField()
    lower_80 = models.FloatField()
    upper_80 = models.FloatField()
    lower_95 = models.FloatField()
    upper_95 = models.FloatField()
    prophet_units = models.FloatField(null=True, blank=True)
    arima_units = models.FloatField(null=True, blank=True)
    is_actual = models.BooleanField(default=False)

    class Meta:
        ordering = ["forecast", "week_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "week_number"], name="forecast_week_unique"
            ),
            models.CheckConstraint(
                condition=Q(week_number__gte=1, week_number__lte=52),
                name="forecast_week_in_range",
            ),
            models.CheckConstraint(
                condition=Q(units__gte=0)
                & Q(lower_95__lte=F("lower_80"))
                & Q(lower_80__lte=F("units"))
                & Q(units__lte=F("upper_80"))
                & Q(upper_80__lte=F("upper_95")),
                name="forecast_week_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forecast_id} W{self.week_number}: {self.units:.0f}"
