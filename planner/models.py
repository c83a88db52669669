"""The season: its parameters, its workflow with the transitions and events, the weekly
actuals and the reviews of each week."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from planner.choices import AgentName, EventType, ReplenishmentStrategy
from shared.choices import ExtractionConfidence, WorkflowStatus
from shared.models import Category, Store


def default_dc_holdback() -> float:
    """The configured default (PLANNING_DEFAULT_DC_HOLDBACK_PCT)."""
    return float(settings.PLANNING["DEFAULT_DC_HOLDBACK_PCT"])


class SeasonParameters(models.Model):
    """The five season concepts, as extracted and then confirmed."""

    forecast_horizon_weeks = models.PositiveSmallIntegerField(default=12)
    season_start_date = models.DateField()
    season_end_date = models.DateField(help_text="start + 7 * horizon - 1.")
    replenishment_strategy = models.CharField(
        max_length=10,
        choices=ReplenishmentStrategy.choices,
        default=ReplenishmentStrategy.WEEKLY,
    )
    dc_holdback_percentage = models.FloatField(
        default=default_dc_holdback, help_text="Fraction 0-1."
    )
    markdown_checkpoint_week = models.PositiveSmallIntegerField(null=True, blank=True)
    markdown_threshold = models.FloatField(
        null=True, blank=True, help_text="Sell-through target at the checkpoint, fraction 0-1."
    )
    extraction_confidence = models.CharField(
        max_length=6, choices=ExtractionConfidence.choices, default=ExtractionConfidence.LOW
    )
    extraction_reasoning = models.TextField(blank=True, default="")
    stated_fields = models.JSONField(default=list, blank=True)
    defaulted_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "season parameters"
        constraints = [
            models.CheckConstraint(
                condition=Q(forecast_horizon_weeks__gte=4, forecast_horizon_weeks__lte=52),
                name="params_horizon_4_to_52",
            ),
            models.CheckConstraint(
                condition=Q(season_end_date__gt=models.F("season_start_date")),
                name="params_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(replenishment_strategy__in=ReplenishmentStrategy.values),
                name="params_replenishment_strategy_valid",
            ),
            models.CheckConstraint(
                condition=Q(dc_holdback_percentage__gte=0, dc_holdback_percentage__lte=1),
                name="params_holdback_fraction",
            ),
            models.CheckConstraint(
                condition=Q(markdown_checkpoint_week__isnull=True)
                | Q(
                    markdown_checkpoint_week__gte=1,
                    markdown_checkpoint_week__lte=models.F("forecast_horizon_weeks"),
                ),
                name="params_checkpoint_within_season",
            ),
            models.CheckConstraint(
                condition=Q(markdown_threshold__isnull=True)
                | Q(markdown_threshold__gte=0, markdown_threshold__lte=1),
                name="params_markdown_threshold_fraction",
            ),
            models.CheckConstraint(
                condition=Q(extraction_confidence__in=ExtractionConfidence.values),
                name="params_confidence_valid",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.forecast_horizon_weeks} weeks from {self.season_start_date}, "
            f"{self.replenishment_strategy}, {self.dc_holdback_percentage:.0%} holdback"
        )


class Workflow(models.Model):
    """One season of one category: the pre-season plan, then its weeks.

    `status` says where the season is; only `planner.season.states.transition` changes it.
    """

    status = models.CharField(
        max_length=20, choices=WorkflowStatus.choices, default=WorkflowStatus.PENDING
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="workflows")
    parameters = models.ForeignKey(
        SeasonParameters, on_delete=models.PROTECT, related_name="workflows"
    )
    current_agent = models.CharField(
        max_length=20,
        choices=AgentName.choices,
        blank=True,
        help_text="While planning: the agent running or next to run; then the last one.",
    )
    season_week = models.PositiveSmallIntegerField(
        default=0, help_text="Weeks of actuals uploaded (0 before the season)."
    )
    progress_pct = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WorkflowStatus.values), name="workflow_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress_pct__lte=100), name="workflow_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(season_week__lte=52), name="workflow_season_week_in_range"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="workflow_status")]

    def __str__(self) -> str:
        return f"Season {self.pk} ({self.category_id}, {self.get_status_display()})"


class WorkflowTransition(models.Model):
    """One change of a season's status, append-only (healthchecks' Flip)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    event = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=WorkflowStatus.choices)
    to_status = models.CharField(max_length=20, choices=WorkflowStatus.choices)
    season_week = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workflow", "pk"]

    def __str__(self) -> str:
        return f"{self.workflow_id}: {self.from_status} -{self.event}-> {self.to_status}"


class WorkflowEvent(models.Model):
    """One streamed message of a workflow, kept in order so a late client gets a replay."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveIntegerField()
    type = models.CharField(max_length=30, choices=EventType.choices)
    agent = models.CharField(max_length=20, choices=AgentName.choices, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workflow", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "sequence"], name="workflow_event_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(type__in=EventType.values), name="workflow_event_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}#{self.sequence} {self.type}"


class WeeklyActual(models.Model):
    """Units one store sold in one week of a workflow's season."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="actuals")
    week_number = models.PositiveSmallIntegerField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="weekly_actuals")
    units_sold = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workflow", "week_number", "store"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "week_number", "store"], name="weekly_actual_unique"
            ),
            models.CheckConstraint(
                condition=Q(week_number__gte=1, week_number__lte=52),
                name="weekly_actual_week_in_range",
            ),
        ]
        # The unique constraint's index (workflow, week_number, store) serves the
        # "actuals by workflow and week" queries.

    def __str__(self) -> str:
        return f"W{self.week_number} {self.store_id}: {self.units_sold}"


class WeekReview(models.Model):
    """A season week after its actuals: variance against its plan of record, the level update,
     the revision decision with its reason, the ledger's flags, and what was done
    . Rewritten when an earlier week is replaced."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="week_reviews")
    week_number = models.PositiveSmallIntegerField()
    forecast = models.ForeignKey(
        "forecasting.Forecast",
        on_delete=models.PROTECT,
        related_name="week_reviews",
        help_text="The plan of record: the version in force when the week was first observed.",
    )
    actual_units = models.PositiveIntegerField()
    forecast_units = models.FloatField()
    weekly_variance = models.FloatField(help_text="(actual - forecast) / forecast.")
    cumulative_variance = models.FloatField()
    weekly_band = models.CharField(max_length=10)
    cumulative_band = models.CharField(max_length=10)
    reforecast_triggered = models.BooleanField(
        default=False, help_text="The re-forecast rule fired: a revision was recorded."
    )
    reason = models.TextField()
    requested_revision = models.TextField(
        blank=True, default="", help_text="Why a person asked for a re-forecast at this week."
    )
    level_factor = models.FloatField(
        default=1.0, help_text="The plan in force after the week: pre-season plan x this."
    )
    stockout_stores = models.PositiveSmallIntegerField(default=0)
    excess_units = models.PositiveIntegerField(
        default=0, help_text="Units sold beyond the recorded stock, summed over stores."
    )
    flags = models.JSONField(default=list, help_text="Store-by-store ledger warnings.")
    actions = models.JSONField(default=list, help_text="What the system did this week.")
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workflow", "week_number"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "week_number"], name="week_review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id} W{self.week_number}: {self.cumulative_variance:+.1%}"
