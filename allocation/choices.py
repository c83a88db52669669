"""Enumerations of the allocation app."""

from django.db import models


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"


class ShipmentKind(models.TextChoices):
    INITIAL = "initial", "Initial allocation"
    REPLENISHMENT = "replenishment", "Replenishment from the DC"
    TRANSFER = "transfer", "Store-to-store transfer"


class ShipmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded (not approved before the week arrived)"
