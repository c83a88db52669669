from typing import Any

from django import forms
from django.contrib import admin

from planner.models import (
    SeasonParameters,
    WeeklyActual,
    WeekReview,
    Workflow,
    WorkflowEvent,
    WorkflowTransition,
)
from shared import selectors as shared_selectors
from shared.models import Category, HistoricalSale, Store


class CategoryEconomicsForm(forms.ModelForm):
    """A category with its economics checked as the what-if will use them: the values set
    here with the defaults derived from history for the fields left empty."""

    class Meta:
        model = Category
        fields = ["name", "slug", "price", "unit_cost", "salvage_value", "shipment_cost"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.instance.pk is None:
            return data

        def number(field: str) -> float | None:
            value = data.get(field)
            return None if value is None else float(value)

        try:
            shared_selectors.economics_with_history(
                self.instance,
                price=number("price"),
                unit_cost=number("unit_cost"),
                salvage_value=number("salvage_value"),
                shipment_cost=number("shipment_cost") or 0.0,
            )
        except shared_selectors.EconomicsInvalid as problem:
            raise forms.ValidationError(str(problem)) from None
        return data


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryEconomicsForm
    list_display = ["name", "slug", "history_row_count", "price", "unit_cost", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["history_row_count", "created_at"]
    fields = [
        "name",
        "slug",
        "price",
        "unit_cost",
        "salvage_value",
        "shipment_cost",
        "history_row_count",
        "created_at",
    ]


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "fashion_tier",
        "location_tier",
        "store_format",
        "region",
        "size_sqft",
        "avg_weekly_sales_12mo",
        "mall_location",
    ]
    list_filter = ["fashion_tier", "location_tier", "store_format", "region", "mall_location"]
    search_fields = ["id", "name", "region"]


@admin.register(HistoricalSale)
class HistoricalSaleAdmin(admin.ModelAdmin):
    list_display = ["date", "store", "category", "quantity_sold", "revenue"]
    list_filter = ["category", "store__fashion_tier"]
    search_fields = ["store__id"]
    date_hierarchy = "date"
    list_select_related = ["store", "category"]
    raw_id_fields = ["store"]
    # 164,000+ rows: skip the unfiltered count on every page.
    show_full_result_count = False


@admin.register(SeasonParameters)
class SeasonParametersAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "season_start_date",
        "forecast_horizon_weeks",
        "replenishment_strategy",
        "dc_holdback_percentage",
        "markdown_checkpoint_week",
        "extraction_confidence",
        "created_at",
    ]
    list_filter = ["replenishment_strategy", "extraction_confidence"]
    date_hierarchy = "season_start_date"


class WorkflowEventInline(admin.TabularInline):
    model = WorkflowEvent
    extra = 0
    fields = ("sequence", "type", "agent", "payload", "created_at")
    readonly_fields = fields
    can_delete = False


class WorkflowTransitionInline(admin.TabularInline):
    model = WorkflowTransition
    extra = 0
    fields = ("event", "from_status", "to_status", "season_week", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "category",
        "status",
        "season_week",
        "current_agent",
        "progress_pct",
        "created_at",
    ]
    list_filter = ["status", "category", "current_agent"]
    search_fields = ["id", "category__name", "error"]
    raw_id_fields = ["parameters"]
    # The status moves only through planner.season.states: shown, never edited here.
    readonly_fields = ["status", "season_week"]
    inlines = [WorkflowTransitionInline, WorkflowEventInline]


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    list_display = ["workflow", "sequence", "type", "agent", "created_at"]
    list_filter = ["type", "agent"]
    search_fields = ["workflow__id"]
    raw_id_fields = ["workflow"]


@admin.register(WeeklyActual)
class WeeklyActualAdmin(admin.ModelAdmin):
    list_display = ["workflow", "week_number", "store", "units_sold", "uploaded_at"]
    list_filter = ["week_number"]
    search_fields = ["store__id", "workflow__id"]
    list_select_related = ["store", "workflow"]
    raw_id_fields = ["workflow", "store"]


@admin.register(WeekReview)
class WeekReviewAdmin(admin.ModelAdmin):
    list_display = [
        "workflow",
        "week_number",
        "actual_units",
        "forecast_units",
        "weekly_variance",
        "cumulative_variance",
        "reforecast_triggered",
    ]
    list_filter = ["reforecast_triggered", "cumulative_band"]
    search_fields = ["workflow__id", "reason"]
    raw_id_fields = ["workflow", "forecast"]
