"""Enumerations of the allocation app."""

from django.db import models


class ClusterLabel(models.TextChoices):
    """Clusters are named by their mean sales level, highest first (SPEC.md section 7.2)."""

    FASHION_FORWARD = "fashion_forward", "Fashion forward"
    MAINSTREAM = "mainstream", "Mainstream"
    VALUE_CONSCIOUS = "value_conscious", "Value conscious"


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
