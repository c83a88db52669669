"""Scores the rule-based extractor on the held-out phrasings (season_agents.extraction.held_out)."""

import math
from typing import Any

from django.core.management.base import BaseCommand

from season_agents.extraction.held_out import HELD_OUT, HELD_OUT_TODAY
from season_agents.extraction.rules import extract_rules
from season_agents.extraction.types import ExtractionDefaults, ParameterOutOfRange

DEFAULTS = ExtractionDefaults(dc_holdback_percentage=0.45, markdown_threshold=0.60)


def _same(value: object, expected: object) -> bool:
    if isinstance(expected, float) and isinstance(value, float):
        return math.isclose(value, expected, abs_tol=1e-6)
    return value == expected


class Command(BaseCommand):
    help = (
        "Score the rules on phrasings never used to write them: each phrasing right when every "
        "stated field is right and nothing else is reported as stated; fields right of stated."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        right = fields_right = fields = 0
        for text, stated in HELD_OUT:
            try:
                result = extract_rules(text, today=HELD_OUT_TODAY, defaults=DEFAULTS)
            except ParameterOutOfRange as refused:
                self.stdout.write(f"x  {text}\n     refused: {refused}")
                fields += len(stated)
                continue
            wrong = [
                f"{field}: {getattr(result, field)!r}, stated {expected!r}"
                for field, expected in stated.items()
                if not _same(getattr(result, field), expected)
            ]
            wrong += [
                f"{field}: reported as stated"
                for field in sorted(set(result.stated_fields) - set(stated))
            ]
            wrong += [
                f"{field}: right value, reported as defaulted"
                for field, expected in stated.items()
                if _same(getattr(result, field), expected) and field not in result.stated_fields
            ]
            fields += len(stated)
            fields_right += sum(
                1
                for field, expected in stated.items()
                if _same(getattr(result, field), expected) and field in result.stated_fields
            )
            if wrong:
                self.stdout.write(f"x  {text}\n     " + "\n     ".join(wrong))
            else:
                right += 1
        self.stdout.write(
            f"held-out phrasings extracted right: {right} of {len(HELD_OUT)} "
            f"({right / len(HELD_OUT):.0%}); stated fields right: {fields_right} of {fields} "
            f"({fields_right / fields:.0%})"
        )
