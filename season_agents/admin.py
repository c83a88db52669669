from django.contrib import admin

from season_agents.models import ParameterExtraction


@admin.register(ParameterExtraction)
class ParameterExtractionAdmin(admin.ModelAdmin):
    list_display = ["id", "extractor", "confidence", "duration_ms", "created_at"]
    list_filter = ["extractor", "confidence"]
    search_fields = ["input_text"]
    raw_id_fields = ["parameters"]
    readonly_fields = ["created_at"]
