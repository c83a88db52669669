"""The markdown rule on its table of cases, exactly."""

import pytest

from markdowns.engine.markdown import recommend_markdown, sell_through

# The documented defaults: elasticity 2.0, cap 40 %, lift 1.5 x markdown.
DEFAULT_MARKDOWN = {"elasticity": 2.0, "cap": 0.40, "lift_per_point": 1.5}


@pytest.mark.parametrize(
    ("sold_through", "markdown"),
    [
        (0.63, 0.0),
        (0.60, 0.0),
        (0.58, 0.05),
        (0.56, 0.10),
        (0.55, 0.10),
        (0.52, 0.15),
        (0.50, 0.20),
        (0.40, 0.40),
        (0.10, 0.40),
    ],
)
def test_spec_table_at_threshold_60_and_elasticity_2(sold_through: float, markdown: float) -> None:
    result = recommend_markdown(sell_through=sold_through, target=0.60, **DEFAULT_MARKDOWN)

    assert result.markdown_pct == pytest.approx(markdown)
    assert result.expected_lift == pytest.approx(1.5 * markdown)


def test_reasoning_shows_the_formula_with_the_numbers() -> None:
    result = recommend_markdown(sell_through=0.52, target=0.60, **DEFAULT_MARKDOWN)

    assert result.gap == pytest.approx(0.08)
    assert result.reasoning == (
        "Sell-through 52.0% is 8.0 points below the 60% target; 8.0 points x elasticity 2 = "
        "16.0%, rounded to 15%. Expected demand lift 1.5 x 15% = 22.5%."
    )


def test_cap_is_stated_and_elasticity_changes_the_answer() -> None:
    capped = recommend_markdown(sell_through=0.30, target=0.60, **DEFAULT_MARKDOWN)
    gentle = recommend_markdown(
        sell_through=0.52, target=0.60, **{**DEFAULT_MARKDOWN, "elasticity": 1.0}
    )

    assert capped.markdown_pct == 0.40
    assert "(capped)" in capped.reasoning
    assert gentle.markdown_pct == pytest.approx(0.10)  # 0.08 rounds half up to 0.10


@pytest.mark.parametrize("elasticity", [0.9, 3.1])
def test_elasticity_outside_1_to_3_is_rejected(elasticity: float) -> None:
    with pytest.raises(ValueError, match=r"elasticity must be 1\.0-3\.0"):
        recommend_markdown(
            sell_through=0.5, target=0.6, **{**DEFAULT_MARKDOWN, "elasticity": elasticity}
        )


def test_sell_through_is_sold_over_received() -> None:
    assert sell_through(450, 1000) == 0.45
    assert sell_through(0, 0) == 0.0
