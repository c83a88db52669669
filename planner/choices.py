"""Enumerations of the season workflow core."""

from django.db import models


class LocationTier(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class FashionTier(models.TextChoices):
    PREMIUM = "Premium", "Premium"
    MAINSTREAM = "Mainstream", "Mainstream"
    VALUE = "Value", "Value"


class ReplenishmentStrategy(models.TextChoices):
    NONE = "none", "No replenishment"
    WEEKLY = "weekly", "Weekly"
    BI_WEEKLY = "bi-weekly", "Bi-weekly"


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


class AgentName(models.TextChoices):
    ORCHESTRATOR = "orchestrator", "Orchestrator"
    DEMAND = "demand", "Demand"
    INVENTORY = "inventory", "Inventory"
    PRICING = "pricing", "Pricing"


class EventType(models.TextChoices):
    """The six WebSocket message types."""

    AGENT_STARTED = "agent_started", "Agent started"
    AGENT_PROGRESS = "agent_progress", "Agent progress"
    AGENT_COMPLETED = "agent_completed", "Agent completed"
    HUMAN_INPUT_REQUIRED = "human_input_required", "Human input required"
    WORKFLOW_COMPLETE = "workflow_complete", "Workflow complete"
    ERROR = "error", "Error"
