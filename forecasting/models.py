"""Category demand forecasts and their weekly curves."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from forecasting.choices import ForecastMethod
from forecasting.engine.members import MEMBER_LABELS


class Forecast(models.Model):
    """One version of a category's weekly demand plan for one season.

    A reforecast is a new version whose `parent` is the plan it revises.
    """

    category = models.ForeignKey(
        "shared.Category", on_delete=models.PROTECT, related_name="forecasts"
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
    weights = models.JSONField(
        default=dict,
        blank=True,
        help_text='Ensemble weight of each member, summing to 1 (e.g. {"arima": 0.33, ...}).',
    )
    weighting_note = models.CharField(
        max_length=400, blank=True, help_text="Why these weights (e.g. equal: short history)."
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

    @property
    def weights_text(self) -> str:
        """ "ARIMA 0.33, MSTL 0.33, Last year x trend 0.33": the members by their names."""
        return ", ".join(
            f"{MEMBER_LABELS.get(name, name)} {weight:.2f}" for name, weight in self.weights.items()
        )


class ForecastWeek(models.Model):
    """One season week of a forecast: the ensemble, its 80 and 95 % intervals, each member.

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
    members = models.JSONField(
        default=dict, blank=True, help_text="Each member's units for this week."
    )
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
