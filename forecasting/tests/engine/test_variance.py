"""Variance and the re-forecast trigger."""

import pytest

from forecasting.engine.variance import band, check_variance, variance

PLAN = [100.0] * 12


def _check(actuals, **kwargs):
    options = {
        "plan": PLAN,
        "actuals": actuals,
        "plan_first_week": 1,
        "horizon_weeks": 12,
    }
    options.update(kwargs)
    return check_variance(**options)


def test_positive_variance_means_demand_above_plan() -> None:
    assert variance(120, 100) == pytest.approx(0.2)
    assert variance(80, 100) == pytest.approx(-0.2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.05, "on_track"),
        (-0.099, "on_track"),
        (0.15, "elevated"),
        (-0.2, "elevated"),
        (0.21, "high"),
        (-0.5, "high"),
    ],
)
def test_bands(value: float, expected: str) -> None:
    assert band(value) == expected


def test_cumulative_beyond_threshold_triggers() -> None:
    result = _check([90, 70, 70])

    assert result.cumulative_variance == pytest.approx(-0.2333, abs=1e-4)
    assert result.reforecast
    assert result.reason == (
        "re-forecast: cumulative variance -23.3% since week 1 is beyond the 20% threshold "
        "(below plan)"
    )


def test_two_weeks_beyond_in_the_same_direction_trigger() -> None:
    result = _check([110, 100, 100, 125, 125])

    assert result.cumulative_variance < 0.2
    assert result.reforecast
    assert "weeks 4 and 5 were both +25.0% and +25.0%" in result.reason


def test_two_weeks_beyond_in_opposite_directions_do_not() -> None:
    assert not _check([100, 125, 75]).reforecast


def test_no_reforecast_when_under_two_weeks_remain() -> None:
    late = _check([70] * 11)
    early = _check([70, 70])

    assert not late.reforecast
    assert late.reason.endswith("but only 1 week(s) remain")
    assert early.reforecast


def test_cumulative_counts_only_weeks_the_current_plan_did_not_know() -> None:
    # Weeks 1-2 ran 30 % low and were absorbed by a re-forecast made after week 2.
    result = _check([70, 70, 100], plan_first_week=3)

    assert result.cumulative_variance == 0
    assert not result.reforecast
