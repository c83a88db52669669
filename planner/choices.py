"""Enumerations of the season: replenishment cadence, agents and stream events."""

from django.db import models


class ReplenishmentStrategy(models.TextChoices):
    NONE = "none", "No replenishment"
    WEEKLY = "weekly", "Weekly"
    BI_WEEKLY = "bi-weekly", "Bi-weekly"


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
