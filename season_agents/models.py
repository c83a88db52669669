"""The log of parameter extractions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from season_agents.choices import Extractor
from shared.choices import ExtractionConfidence


class ParameterExtraction(models.Model):
    """One extraction request: the text, what came out, which extractor answered, any errors."""

    input_text = models.TextField()
    output = models.JSONField(default=dict, blank=True)
    extractor = models.CharField(max_length=12, choices=Extractor.choices)
    confidence = models.CharField(max_length=6, choices=ExtractionConfidence.choices, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text="Validation failures and provider errors, in order."
    )
    duration_ms = models.PositiveIntegerField(default=0)
    parameters = models.ForeignKey(
        "planner.SeasonParameters",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="extractions",
        help_text="The parameters the user confirmed from this extraction.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extractor__in=Extractor.values), name="extraction_extractor_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Extraction {self.pk} ({self.extractor}, {self.confidence or 'failed'})"
