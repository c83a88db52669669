from django.contrib import admin

from forecasting.models import Forecast, ForecastWeek


class ForecastWeekInline(admin.TabularInline):
    model = ForecastWeek
    extra = 0


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "category",
        "version",
        "method",
        "season_start_date",
        "horizon_weeks",
        "total_units",
        "backtest_wape",
        "created_at",
    ]
    list_filter = ["category", "method"]
    search_fields = ["id", "category__name"]
    raw_id_fields = ["workflow", "parent"]
    inlines = [ForecastWeekInline]


@admin.register(ForecastWeek)
class ForecastWeekAdmin(admin.ModelAdmin):
    list_display = ["forecast", "week_number", "week_start_date", "units", "lower_80", "upper_80"]
    list_filter = ["is_actual"]
    search_fields = ["forecast__id"]
    raw_id_fields = ["forecast"]
