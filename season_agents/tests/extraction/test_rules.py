"""The extraction rules on the documented examples, with today = 2025-01-15."""

import datetime as dt

import pytest

from season_agents.extraction.rules import extract_rules
from season_agents.extraction.types import ExtractionDefaults, ParameterOutOfRange

TODAY = dt.date(2025, 1, 15)
# The documented defaults: 45 % holdback, 60 % sell-through target when a checkpoint is set.
DOCUMENTED_DEFAULTS = ExtractionDefaults(dc_holdback_percentage=0.45, markdown_threshold=0.60)


def extract(text: str):
    return extract_rules(text, today=TODAY, defaults=DOCUMENTED_DEFAULTS)


D = dt.date

CASES = [
    (
        "I'm planning a 12-week spring fashion season starting March 1st. Send all inventory to "
        "stores at launch with no DC holdback. I don't want ongoing replenishment - just one "
        "initial allocation. Check for markdown opportunities at week 6 if we're below 60% "
        "sell-through.",
        (12, D(2025, 3, 1), "none", 0.0, 6, 0.60),
        "high",
    ),
    (
        "I need 8000 units over 12 weeks starting Jan 20, 2025. Weekly replenishment. "
        "15% DC holdback.",
        (12, D(2025, 1, 20), "weekly", 0.15, None, None),
        "medium",
    ),
    (
        "Plan a 6-month summer season starting April 1st with weekly replenishment and 45% DC "
        "holdback.",
        (26, D(2025, 4, 1), "weekly", 0.45, None, None),
        "medium",
    ),
    (
        "Fast fashion 8-week season, no replenishment, ship everything to stores immediately",
        (8, D(2025, 1, 20), "none", 0.0, None, None),
        "medium",
    ),
    (
        "26-week season May 15, weekly shipments, 45% DC holdback",
        (26, D(2025, 5, 15), "weekly", 0.45, None, None),
        "medium",
    ),
    (
        "8 weeks beginning April 15, 2025. Weekly replenishment, 15% DC reserve.",
        (8, D(2025, 4, 15), "weekly", 0.15, None, None),
        "medium",
    ),
    (
        "10 week season from May 1st. Bi-weekly replenishment, 20% holdback.",
        (10, D(2025, 5, 1), "bi-weekly", 0.20, None, None),
        "medium",
    ),
    (
        "Planning 26-week summer collection starting May 1st. Hold 65% at DC for flexibility, "
        "replenish stores bi-weekly. Consider markdowns at week 12 if below 50% sell-through.",
        (26, D(2025, 5, 1), "bi-weekly", 0.65, 12, 0.50),
        "high",
    ),
    (
        "8-week holiday collection starting November 1st. Send 80% to stores initially, hold "
        "20% at DC. Weekly replenishment. No markdowns - premium positioning.",
        (8, D(2025, 11, 1), "weekly", 0.20, None, None),
        "high",
    ),
    ("Spring 2025 collection", (12, D(2025, 1, 20), "weekly", 0.45, None, None), "low"),
]


@pytest.mark.parametrize(("text", "expected", "confidence"), CASES, ids=range(1, 11))
def test_spec_extraction_table(text: str, expected: tuple, confidence: str) -> None:
    result = extract(text)

    assert (
        result.forecast_horizon_weeks,
        result.season_start_date,
        result.replenishment_strategy,
        result.dc_holdback_percentage,
        result.markdown_checkpoint_week,
        result.markdown_threshold,
    ) == pytest.approx(expected)
    assert result.extraction_confidence == confidence


def test_zara_sentence_end_date_and_reasoning() -> None:
    result = extract(CASES[0][0])

    assert result.season_end_date == D(2025, 5, 23)
    assert "'12-week' -> forecast_horizon_weeks = 12" in result.extraction_reasoning
    assert "'week 6' -> markdown_checkpoint_week = 6" in result.extraction_reasoning
    assert result.defaulted_fields == ()


def test_unclear_input_lists_what_was_defaulted() -> None:
    result = extract("Spring 2025 collection")

    assert result.defaulted_fields == (
        "forecast_horizon_weeks",
        "season_start_date",
        "replenishment_strategy",
        "dc_holdback_percentage",
        "markdown_checkpoint_week",
        "markdown_threshold",
    )
    assert result.extraction_reasoning.startswith("no season parameters recognised")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 3 months season", 13),
        ("one quarter, weekly", 13),
        ("6 months of summer", 26),
    ],
)
def test_months_and_quarters_become_weeks(text: str, expected: int) -> None:
    assert extract(text).forecast_horizon_weeks == expected


def test_a_past_date_without_a_year_means_next_year_and_next_monday_works() -> None:
    assert extract_rules(
        "12 weeks from January 2nd", today=TODAY, defaults=DOCUMENTED_DEFAULTS
    ).season_start_date == D(2026, 1, 2)
    assert extract_rules(
        "8 weeks starting next Monday", today=TODAY, defaults=DOCUMENTED_DEFAULTS
    ).season_start_date == D(2025, 1, 20)


def test_mid_season_markdown_and_default_threshold() -> None:
    result = extract_rules(
        "12 weeks, check markdowns mid-season", today=TODAY, defaults=DOCUMENTED_DEFAULTS
    )

    assert (result.markdown_checkpoint_week, result.markdown_threshold) == (6, 0.60)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("a 60-week season starting March 1st", "forecast_horizon_weeks"),
        ("8 weeks, 120% DC holdback", "dc_holdback_percentage"),
        ("8 weeks, markdowns at week 10 below 50% sell-through", "markdown_checkpoint_week"),
        ("8 weeks starting February 30th", "season_start_date"),
    ],
)
def test_out_of_range_values_are_rejected_with_the_field(text: str, field: str) -> None:
    with pytest.raises(ParameterOutOfRange) as caught:
        extract(text)

    assert caught.value.field == field


def test_a_misspelt_keyword_is_read_as_the_keyword_and_the_reasoning_says_so() -> None:
    result = extract("Replenihs fortnigthly; keep 20% in the warehuose")

    assert (result.replenishment_strategy, result.dc_holdback_percentage) == ("bi-weekly", 0.20)
    assert "read 'fortnigthly' as 'fortnightly'" in result.extraction_reasoning
    assert "read 'warehuose' as 'warehouse'" in result.extraction_reasoning


def test_a_word_a_rule_uses_is_never_corrected() -> None:
    result = extract("Reserved stock: 30% reserved at the DC, restocking weekly")

    assert "read '" not in result.extraction_reasoning
    assert result.dc_holdback_percentage == pytest.approx(0.30)
