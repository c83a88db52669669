"""Enumerations of the markdown app."""

from django.db import models


class MarkdownStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    APPLIED = "applied", "Applied"
    DECLINED = "declined", "Declined"
    NOT_NEEDED = "not_needed", "No markdown needed"
