"""The category a description names, against the loaded categories."""

import pytest

from season_agents.extraction.categories import categories_named

LOADED = ["Women's Dresses", "Men's Shirts", "Accessories"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Women's Dresses: a 12-week spring season", ["Women's Dresses"]),
        ("12 weeks of womens dresses from March", ["Women's Dresses"]),
        ("a season for the dress range, women", []),
        ("mens shirt capsule, 8 weeks", ["Men's Shirts"]),
        ("Accessory drop for 6 weeks", ["Accessories"]),
        ("12-week spring season starting March 1st", []),
        ("Men's shirts and accessories together for 10 weeks", ["Men's Shirts", "Accessories"]),
    ],
)
def test_the_category_named_in_the_text(text: str, named: list[str]) -> None:
    assert categories_named(text, LOADED) == named


def test_a_womens_season_is_not_a_mens_one() -> None:
    assert categories_named("women's shirts? no: women's dresses", ["Men's Shirts"]) == []
