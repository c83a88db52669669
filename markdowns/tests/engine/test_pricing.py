"""Markdown options priced over the rest of the season."""

import numpy as np
import pytest

from markdowns.engine.markdown import learned_lift_per_point, recommend_markdown, with_options
from markdowns.engine.pricing import PricingInputs, expected_sales, price_options

INPUTS = PricingInputs(
    stock=1000,
    remaining_units=600.0,
    level_sd=0.2,
    price=50.0,
    unit_cost=20.0,
    salvage_value=5.0,
    lift_per_point=1.5,
)


def test_expected_sales_are_the_mean_of_min_demand_and_stock() -> None:
    mean, sd, stock = 600.0, 0.2, 650
    variance = mean + (sd * mean) ** 2
    draws = np.random.default_rng(1).gamma(mean**2 / variance, variance / mean, 400_000)

    assert expected_sales(mean, stock, sd) == pytest.approx(
        np.minimum(draws, stock).mean(), rel=2e-3
    )
    assert expected_sales(mean, 10_000, sd) == pytest.approx(mean)
    assert expected_sales(0.0, 100, sd) == 0.0


def test_each_option_adds_up_revenue_leftover_and_margin() -> None:
    for option in price_options(INPUTS, seed_pct=0.25):
        assert option.units + option.leftover == pytest.approx(1000)
        assert option.revenue == pytest.approx(option.units * 50 * (1 - option.markdown_pct))
        assert option.margin == pytest.approx(option.revenue + 5 * option.leftover - 20 * 1000)


def test_the_options_are_none_the_seed_and_the_grid_listed_once() -> None:
    labels = [o.label for o in price_options(INPUTS, seed_pct=0.20)]

    assert labels == ["no markdown", "the seed's rule (20%)", "10%", "30%", "40%", "50%"]


def test_the_recommendation_is_the_option_with_the_highest_margin() -> None:
    # Far more stock than demand and a cheap salvage: a markdown earns more than leftovers.
    seed = recommend_markdown(
        sell_through=0.3, target=0.6, elasticity=2.0, cap=0.4, lift_per_point=3.0
    )
    heavy = PricingInputs(**{**INPUTS.__dict__, "stock": 3000, "lift_per_point": 3.0})

    priced = with_options(seed, heavy)

    best = max(priced.options, key=lambda o: o.margin)
    assert priced.markdown_pct == best.markdown_pct > 0
    assert priced.seed_pct == seed.markdown_pct
    assert "earns the most" in priced.reasoning


def test_when_demand_takes_the_stock_anyway_no_markdown_earns_most() -> None:
    scarce = PricingInputs(**{**INPUTS.__dict__, "stock": 300})
    seed = recommend_markdown(
        sell_through=0.3, target=0.6, elasticity=2.0, cap=0.4, lift_per_point=1.5
    )

    assert with_options(seed, scarce).markdown_pct == 0.0


def test_a_markdown_deeper_than_the_price_is_refused() -> None:
    with pytest.raises(ValueError, match="0-99 %"):
        INPUTS.option("all of it", 1.0)


def test_the_lift_per_point_learns_from_closed_seasons_shrunk_to_the_setting() -> None:
    assert learned_lift_per_point(1.5, []) == 1.5
    # Three seasons whose markdowns lifted nothing halve it (the setting counts as three).
    assert learned_lift_per_point(1.5, [0.0, 0.0, 0.0]) == pytest.approx(0.75)
    assert learned_lift_per_point(1.5, [2.0] * 30) == pytest.approx(1.5 * 63 / 33)
