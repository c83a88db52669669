"""Master data and the season workflow core."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from planner.choices import (
    AgentName,
    EventType,
    ExtractionConfidence,
    FashionTier,
    LocationTier,
    ReplenishmentStrategy,
    WorkflowStatus,
)


def default_dc_holdback() -> float:
    """The configured default (PLANNING_DEFAULT_DC_HOLDBACK_PCT)."""
    return float(settings.PLANNING["DEFAULT_DC_HOLDBACK_PCT"])


class Category(models.Model):
    """A product category, detected from the `category` column of imported history."""

    slug = models.SlugField(primary_key=True, max_length=80)
    name = models.CharField(max_length=120, unique=True)
    history_row_count = models.PositiveIntegerField(
        default=0, help_text="Rows of historical sales held for this category."
    )
    # Economics; empty = the default, see planner.selectors.
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Selling price per unit. Empty: history revenue / units, else "
        "PLANNING_DEFAULT_PRICE.",
    )
    unit_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Cost of goods per unit. Empty: PLANNING_COST_SHARE of the price.",
    )
    salvage_value = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What a unit left over at the season's end fetches. Empty: "
        "PLANNING_SALVAGE_SHARE of the cost.",
    )
    shipment_cost = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, help_text="Cost of one shipment to a store."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="category_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                name="category_unit_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(salvage_value__isnull=True) | Q(salvage_value__gte=0),
                name="category_salvage_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(shipment_cost__gte=0), name="category_shipment_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Set values must make sense together: price above cost, salvage below cost."""
        if self.price is not None and self.unit_cost is not None and self.price <= self.unit_cost:
            raise ValidationError({"unit_cost": "The unit cost must be below the price."})
        if (
            self.unit_cost is not None
            and self.salvage_value is not None
            and self.salvage_value >= self.unit_cost
        ):
            raise ValidationError({"salvage_value": "The salvage value must be below the cost."})


class Store(models.Model):
    """A store and the attributes that drive clustering and allocation.

    Every attribute but the id may be unknown (null); clustering uses those present.
    """

    id = models.CharField(primary_key=True, max_length=20, help_text="For example S001.")
    name = models.CharField(max_length=120)
    size_sqft = models.PositiveIntegerField(null=True, blank=True)
    median_income = models.PositiveIntegerField(null=True, blank=True, help_text="USD a year.")
    # Empty string = unknown, as for the other text attributes.
    location_tier = models.CharField(max_length=1, choices=LocationTier.choices, blank=True)
    fashion_tier = models.CharField(max_length=10, choices=FashionTier.choices, blank=True)
    store_format = models.CharField(max_length=40, blank=True, default="")
    region = models.CharField(max_length=60, blank=True, default="")
    avg_weekly_sales_12mo = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="USD a week."
    )
    foot_traffic = models.PositiveIntegerField(null=True, blank=True, help_text="Visitors a week.")
    competitor_density = models.FloatField(
        null=True, blank=True, help_text="Competing stores within 5 km."
    )
    online_penetration = models.FloatField(
        null=True, blank=True, help_text="Share of the area's apparel bought online (0-1)."
    )
    population_density = models.PositiveIntegerField(
        null=True, blank=True, help_text="People per square km."
    )
    mall_location = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(location_tier__in=[*LocationTier.values, ""]),
                name="store_location_tier_valid",
            ),
            models.CheckConstraint(
                condition=Q(fashion_tier__in=[*FashionTier.values, ""]),
                name="store_fashion_tier_valid",
            ),
            models.CheckConstraint(
                condition=Q(online_penetration__gte=0, online_penetration__lte=1)
                | Q(online_penetration__isnull=True),
                name="store_online_penetration_fraction",
            ),
            models.CheckConstraint(
                condition=Q(competitor_density__gte=0) | Q(competitor_density__isnull=True),
                name="store_competitor_density_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(avg_weekly_sales_12mo__gte=0) | Q(avg_weekly_sales_12mo__isnull=True),
                name="store_avg_weekly_sales_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.name}"


class HistoricalSale(models.Model):
    """Units and revenue of one category in one store on one date (a day or a week's row)."""

    date = models.DateField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="historical_sales")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="historical_sales"
    )
    quantity_sold = models.PositiveIntegerField()
    revenue = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Empty when the history file held units only.",
    )

    class Meta:
        ordering = ["category", "date", "store"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "store", "category"], name="historical_sale_unique_day"
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0), name="historical_sale_revenue_non_negative"
            ),
        ]
        indexes = [
            # Per-category weekly aggregation scans one category's rows in date order.
            models.Index(fields=["category", "date"], name="hist_category_date"),
            models.Index(fields=["store", "category"], name="hist_store_category"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.store_id} {self.category_id}: {self.quantity_sold}"


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
