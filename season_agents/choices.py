"""Enumerations of the agents app."""

from django.db import models


class Extractor(models.TextChoices):
    RULE_BASED = "rule_based", "Rule-based (deterministic)"
    LLM = "llm", "LLM (OpenAI-compatible)"
