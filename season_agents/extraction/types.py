"""The season parameters an extractor returns. No Django imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace

CONCEPTS = ("horizon", "start", "replenishment", "holdback", "markdown")
CONCEPT_FIELDS = {
    "horizon": ("forecast_horizon_weeks",),
    "start": ("season_start_date",),
    "replenishment": ("replenishment_strategy",),
    "holdback": ("dc_holdback_percentage",),
    "markdown": ("markdown_checkpoint_week", "markdown_threshold"),
}
STRATEGIES = ("none", "weekly", "bi-weekly")
MIN_INPUT_CHARS, MAX_INPUT_CHARS = 10, 500


class ParameterOutOfRange(ValueError):
    """A stated value is outside what a season allows; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def next_monday_after(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


FIELDS = tuple(field for concept in CONCEPTS for field in CONCEPT_FIELDS[concept])


def start_problem(start: dt.date, *, today: dt.date, window_years: int) -> str:
    """Why a season cannot start on `start` ("" when it can): it must lie within
    `window_years` of today (SEASON_WINDOW_YEARS; far dates once overflowed the season's end
    date). The one rule for the extraction and for starting a season."""
    first = today.replace(year=today.year - window_years)
    last = today.replace(year=today.year + window_years)
    return "" if first <= start <= last else f"must be from {first} to {last}"


def confidence_for(stated_fields: set[str] | frozenset[str]) -> str:
    """high = every field stated (nothing defaulted), medium = 3-4 of the five concepts stated
    in full, low = fewer."""
    concepts = sum(1 for c in CONCEPTS if set(CONCEPT_FIELDS[c]) <= stated_fields)
    if concepts == len(CONCEPTS):
        return "high"
    return "medium" if concepts >= 3 else "low"


@dataclass(frozen=True)
class ExtractionDefaults:
    """What a season takes when its text does not say: the configured planning settings
    (PLANNING_DEFAULT_DC_HOLDBACK_PCT, PLANNING_DEFAULT_MARKDOWN_THRESHOLD)."""

    dc_holdback_percentage: float
    markdown_threshold: float


@dataclass(frozen=True)
class SeasonParameterSet:
    forecast_horizon_weeks: int
    season_start_date: dt.date
    replenishment_strategy: str
    dc_holdback_percentage: float
    markdown_checkpoint_week: int | None
    markdown_threshold: float | None
    extraction_confidence: str
    extraction_reasoning: str
    stated_fields: tuple[str, ...] = field(default_factory=tuple)
    defaulted_fields: tuple[str, ...] = field(default_factory=tuple)

    @property
    def season_end_date(self) -> dt.date:
        """start + 7 x horizon - 1."""
        return self.season_start_date + dt.timedelta(days=7 * self.forecast_horizon_weeks - 1)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["season_start_date"] = self.season_start_date.isoformat()
        data["season_end_date"] = self.season_end_date.isoformat()
        data["stated_fields"] = list(self.stated_fields)
        data["defaulted_fields"] = list(self.defaulted_fields)
        return data


def finished(parameters: SeasonParameterSet, stated: set[str]) -> SeasonParameterSet:
    """`parameters` with the fields the text stated, every other one listed as defaulted,
    and the confidence that follows; validated (ParameterOutOfRange)."""
    result = replace(
        parameters,
        extraction_confidence=confidence_for(stated),
        stated_fields=tuple(f for f in FIELDS if f in stated),
        defaulted_fields=tuple(f for f in FIELDS if f not in stated),
    )
    validate(result)
    return result


def validate(parameters: SeasonParameterSet) -> None:
    """Raises ParameterOutOfRange for a value outside the ranges."""
    p = parameters
    if not 4 <= p.forecast_horizon_weeks <= 52:
        raise ParameterOutOfRange(
            "forecast_horizon_weeks",
            f"a season must be 4 to 52 weeks long, not {p.forecast_horizon_weeks}",
        )
    if p.replenishment_strategy not in STRATEGIES:
        raise ParameterOutOfRange(
            "replenishment_strategy",
            f"replenishment must be one of {', '.join(STRATEGIES)}, "
            f"not {p.replenishment_strategy!r}",
        )
    if not 0.0 <= p.dc_holdback_percentage <= 1.0:
        raise ParameterOutOfRange(
            "dc_holdback_percentage",
            f"the DC holdback must be 0-100 %, not {p.dc_holdback_percentage:.0%}",
        )
    if p.markdown_checkpoint_week is not None and not (
        1 <= p.markdown_checkpoint_week <= p.forecast_horizon_weeks
    ):
        raise ParameterOutOfRange(
            "markdown_checkpoint_week",
            f"the markdown checkpoint must be in weeks 1-{p.forecast_horizon_weeks}, "
            f"not week {p.markdown_checkpoint_week}",
        )
    if p.markdown_threshold is not None and not 0.0 <= p.markdown_threshold <= 1.0:
        raise ParameterOutOfRange(
            "markdown_threshold",
            f"the sell-through threshold must be 0-100 %, not {p.markdown_threshold:.0%}",
        )
