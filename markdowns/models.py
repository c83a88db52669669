"""Markdown recommendations at the season's checkpoint."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from markdowns.choices import MarkdownStatus


def default_elasticity() -> float:
    """The configured default (PLANNING_DEFAULT_ELASTICITY)."""
    return float(settings.PLANNING["DEFAULT_ELASTICITY"])


class MarkdownDecision(models.Model):
    """gap = target - sell-through; markdown = min(cap, gap x elasticity) in 5-point steps."""

    forecast = models.ForeignKey(
        "forecasting.Forecast", on_delete=models.PROTECT, related_name="markdowns"
    )
    week_number = models.PositiveSmallIntegerField()
    sell_through = models.FloatField(help_text="Sold / received by stores so far, fraction.")
    target_sell_through = models.FloatField(help_text="The season's markdown threshold.")
    gap = models.FloatField(help_text="target - sell-through; no markdown when <= 0.")
    elasticity = models.FloatField(default=default_elasticity, help_text="1.0-3.0.")
    recommended_pct = models.FloatField(help_text="Markdown as a fraction of price, 0-0.40.")
    expected_lift = models.FloatField(help_text="Expected demand lift, fraction.")
    options = models.JSONField(
        default=list,
        blank=True,
        help_text="The priced options: label, markdown, lift, units, revenue, margin, leftover.",
    )
    pricing = models.JSONField(
        null=True, blank=True, help_text="What the options were priced from (stock, plan, ...)."
    )
    decided_pct = models.FloatField(
        null=True,
        blank=True,
        help_text="The markdown decided (an option or a typed depth); 0 when declined.",
    )
    decided_lift = models.FloatField(null=True, blank=True, help_text="Its expected lift.")
    status = models.CharField(
        max_length=10, choices=MarkdownStatus.choices, default=MarkdownStatus.PENDING
    )
    reasoning = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["forecast", "week_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "week_number"], name="markdown_one_per_week"
            ),
            models.CheckConstraint(
                condition=Q(elasticity__gte=1.0, elasticity__lte=3.0),
                name="markdown_elasticity_range",
            ),
            models.CheckConstraint(
                condition=Q(recommended_pct__gte=0, recommended_pct__lte=1),
                name="markdown_pct_fraction",
            ),
            models.CheckConstraint(
                condition=Q(sell_through__gte=0)
                & Q(target_sell_through__gte=0, target_sell_through__lte=1),
                name="markdown_fractions",
            ),
            models.CheckConstraint(
                condition=Q(expected_lift__gte=0), name="markdown_lift_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(decided_pct__isnull=True) | Q(decided_pct__gte=0, decided_pct__lt=1),
                name="markdown_decided_fraction",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MarkdownStatus.values), name="markdown_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(week_number__gte=1, week_number__lte=52),
                name="markdown_week_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Markdown W{self.week_number}: {self.recommended_pct:.0%} ({self.status})"

    @property
    def applied_pct(self) -> float:
        """The markdown in force from the next week: decided, else the recommendation."""
        return self.recommended_pct if self.decided_pct is None else self.decided_pct

    @property
    def applied_lift(self) -> float:
        return self.expected_lift if self.decided_lift is None else self.decided_lift
