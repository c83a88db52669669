"""What every app shares: the stores, the categories with their economics, and the sales
history. The tables keep the names they were made with (planner_*): the models moved here
without moving data."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from shared.choices import FashionTier, LocationTier


class Category(models.Model):
    """A product category, detected from the `category` column of imported history."""

    slug = models.SlugField(primary_key=True, max_length=80)
    name = models.CharField(max_length=120, unique=True)
    history_row_count = models.PositiveIntegerField(
        default=0, help_text="Rows of historical sales held for this category."
    )
    # The history's price evidence, kept by the history import (shared.services), so that
    # reading a category's economics never sums its history.
    history_revenue = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Revenue of the history rows that carry any; empty when none does.",
    )
    history_priced_units = models.PositiveBigIntegerField(
        default=0, help_text="Units of the history rows that carry revenue."
    )
    # Economics; empty = the default, see shared.selectors.category_economics.
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
        db_table = "planner_category"  # made when the model lived in planner; kept, no data moves
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
        db_table = "planner_store"
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
    # The history import is the table's one writer: it refuses a row of an unknown store and
    # creates its categories, and deleting a store or category with history is refused
    # (PROTECT). So the database keeps no foreign key constraints here, whose per-row checks
    # at commit took longer than the COPY of the rows; and no index of their own, since the
    # composite indexes below lead with each (a store's rows, a category's dates).
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        related_name="historical_sales",
        db_index=False,
        db_constraint=False,
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="historical_sales",
        db_index=False,
        db_constraint=False,
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
        db_table = "planner_historicalsale"
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


class WeeklySale(models.Model):
    """One store's units of one category in one week (Monday to Sunday), summed from the sales
    history by the history import, so the reads of recent weeks by store scan a seventh of
    the daily rows. On PostgreSQL the table is partitioned by category (hash, 16 parts): a
    category's weeks sit in one partition."""

    pk = models.CompositePrimaryKey("category", "store", "week_start")
    # No foreign key constraints in the database: every row is summed from history rows whose
    # own keys were checked, and checking 300,000 rows again at each import's commit took
    # longer than summing them.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    week_start = models.DateField(help_text="The week's Monday.")
    units = models.PositiveIntegerField()
    revenue = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The sum of the week's known revenue; empty when no row had any.",
    )
    days = models.PositiveSmallIntegerField(
        help_text="Dated rows summed: up to 7 for daily history, 1 for a weekly row."
    )

    class Meta:
        ordering = ["category", "week_start", "store"]

    def __str__(self) -> str:
        return f"{self.week_start} {self.store_id} {self.category_id}: {self.units}"
