from django.contrib import admin

from markdowns.models import MarkdownDecision


@admin.register(MarkdownDecision)
class MarkdownDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "forecast",
        "week_number",
        "sell_through",
        "target_sell_through",
        "recommended_pct",
        "elasticity",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["forecast__id", "reasoning"]
    raw_id_fields = ["forecast"]
