"""Extracts season parameters from a sentence, as POST /api/parameters/extract does."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from season_agents.extraction.types import ParameterOutOfRange
from season_agents.services import parameters_extract


class Command(BaseCommand):
    help = "Extract the season parameters from a plain-English description and print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="The season, e.g. '12 weeks from March 1st, ...'")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args: Any, text: str, today: dt.date | None, **options: Any) -> None:
        try:
            outcome = parameters_extract(text=text, today=today)
        except ParameterOutOfRange as exc:
            raise CommandError(f"{exc.field}: {exc}") from None
        self.stdout.write(
            json.dumps(
                {
                    "extractor": outcome.extractor,
                    "fallback_reason": outcome.fallback_reason,
                    "parameters": outcome.parameters.as_dict(),
                },
                indent=2,
            )
        )
