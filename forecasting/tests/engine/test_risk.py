import math
from statistics import NormalDist

import numpy as np
import pytest

from forecasting.engine.risk import (
    FALLBACK_SEASON_LOG_SD,
    ClosedSeason,
    SeasonShock,
    learned_shock,
    season_risk,
)

ERRORS = (-0.12, -0.05, -0.02, 0.0, 0.01, 0.03, 0.04, 0.08, 0.1, 0.15)


def test_one_error_with_a_shock_is_a_normal_distribution_by_hand() -> None:
    risk = season_risk([0.0] * 5, shape_variance=(0.0, 0.0), shock=SeasonShock(0.2, "given"))

    # Five equal errors: no spread, the kernel at its floor 0.02, the shock 0.2.
    spread = math.hypot(0.02, 0.2)
    assert risk.log_quantile(0.9) == pytest.approx(NormalDist(0, spread).inv_cdf(0.9), abs=1e-6)
    low, high = risk.interval(0.8)
    assert (low, high) == pytest.approx((math.exp(-1.28155 * spread), math.exp(1.28155 * spread)))


def test_the_shock_widens_the_history_interval() -> None:
    history = season_risk(ERRORS, shape_variance=(0.001, 0.0))
    shocked = season_risk(ERRORS, shape_variance=(0.001, 0.0), shock=SeasonShock(0.2, "prior"))

    low, high = history.interval(0.8)
    assert low < 1 < high
    # The errors lean upward, so the interval does too.
    assert high - 1 > 1 - low
    shocked_low, shocked_high = shocked.interval(0.8)
    assert shocked_low < low * 0.85 and shocked_high > high * 1.15
    assert shocked.log_sd == pytest.approx(math.sqrt(history.log_sd**2 + 0.2**2))


def test_draws_of_the_level_follow_its_quantiles() -> None:
    risk = season_risk(ERRORS, shape_variance=(0.0, 0.0), shock=SeasonShock(0.1, "prior"))

    draws = risk.sample_levels(np.random.default_rng(3), 40_000)

    for probability in (0.025, 0.1, 0.5, 0.9, 0.975):
        assert np.quantile(draws, probability) == pytest.approx(
            risk.factor_quantile(probability), rel=0.01
        )


def test_weekly_shapes_move_units_between_weeks_but_keep_the_total() -> None:
    risk = season_risk(ERRORS, shape_variance=(0.01, 0.002))
    curve = [100.0, 120.0, 80.0, 300.0]

    factors = risk.sample_shapes(np.random.default_rng(1), curve, first_step=3)

    assert float(np.dot(curve, factors)) == pytest.approx(sum(curve))
    assert not np.allclose(factors, 1.0)
    assert risk.shape_sd(10) > risk.shape_sd(1)


def test_too_few_rolling_origins_use_the_default_spread_and_say_so() -> None:
    risk = season_risk([0.05, -0.02], shape_variance=(0.0, 0.0))

    assert risk.history_errors == (0.0,)
    assert risk.log_sd == pytest.approx(FALLBACK_SEASON_LOG_SD)
    assert "2 rolling-origin seasons" in risk.note and "default spread of 15%" in risk.note


def test_the_distribution_survives_storage() -> None:
    risk = season_risk(ERRORS, shape_variance=(0.01, 0.002), shock=SeasonShock(0.1, "prior", 3))

    again = type(risk).from_dict(risk.as_dict())

    assert again == risk
    assert again.interval(0.95) == risk.interval(0.95)


def test_with_no_closed_seasons_the_prior_stands() -> None:
    shock = learned_shock([], category="dresses", prior_sd=0.2, prior_seasons=4)

    assert shock.sd == 0.2
    assert "no closed seasons yet" in shock.source


def test_closed_seasons_that_missed_by_no_more_than_history_shrink_the_shock() -> None:
    calm = [ClosedSeason("dresses", 0.02, 0.001) for _ in range(36)]

    shock = learned_shock(calm, category="dresses", prior_sd=0.2, prior_seasons=4)

    # Pooled: 4 x 0.04 / 40 = 0.004; the category's 36 seasons shrink it to 4 x 0.004 / 40.
    assert shock.sd == pytest.approx(math.sqrt(4 * 0.004 / 40))
    assert "36 closed seasons of this category and 36 of all categories" in shock.source


def test_a_category_that_collapsed_keeps_a_wide_shock_while_others_stay_calm() -> None:
    closed = [ClosedSeason("shirts", 0.0, 0.001) for _ in range(20)] + [
        ClosedSeason("dresses", -0.6, 0.001),
        ClosedSeason("dresses", 0.5, 0.001),
    ]

    dresses = learned_shock(closed, category="dresses", prior_sd=0.2, prior_seasons=4)
    shirts = learned_shock(closed, category="shirts", prior_sd=0.2, prior_seasons=4)
    new = learned_shock(closed, category="accessories", prior_sd=0.2, prior_seasons=4)

    assert dresses.sd > 0.25 > new.sd > shirts.sd
