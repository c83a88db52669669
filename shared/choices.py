"""Enumerations every app shares."""

from django.db import models


class LocationTier(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class FashionTier(models.TextChoices):
    PREMIUM = "Premium", "Premium"
    MAINSTREAM = "Mainstream", "Mainstream"
    VALUE = "Value", "Value"


class ExtractionConfidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class WorkflowStatus(models.TextChoices):
    """Where a season is. `planner.season.states` owns the transitions."""

    PENDING = "pending", "Waiting to start"
    PLANNING = "planning", "Planning"
    AWAITING_ORDER = "awaiting_order", "Waiting for the order approval"
    PRICING = "pricing", "Planning the markdown check"
    IN_SEASON = "in_season", "In season"
    AWAITING_MARKDOWN = "awaiting_markdown", "Waiting for the markdown decision"
    CLOSED = "closed", "Closed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
