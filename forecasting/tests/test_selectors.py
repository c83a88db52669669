"""Closed seasons teach the season shock (forecasting.selectors)."""

import datetime as dt
import math

import pytest

from forecasting.engine.risk import SeasonShock, season_risk
from forecasting.models import Forecast
from forecasting.selectors import closed_seasons, season_shock_for
from planner.tests.factories import WorkflowFactory
from shared.choices import WorkflowStatus
from shared.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

HISTORY_ERRORS = (-0.05, -0.02, 0.0, 0.01, 0.03, 0.04)


def _season(category, status: str, factor_at_close: float) -> None:
    """A season with its pre-season forecast, a weekly plan version and its last one."""
    workflow = WorkflowFactory(category=category, status=status)
    risk = season_risk(HISTORY_ERRORS, shape_variance=(0.001, 0.0), shock=SeasonShock(0.2, "prior"))
    common = {
        "category": category,
        "workflow": workflow,
        "season_start_date": dt.date(2025, 2, 17),
        "season_end_date": dt.date(2025, 5, 11),
        "horizon_weeks": 12,
        "total_units": 1000,
        "method": "ensemble",
    }
    root = Forecast.objects.create(
        **common, version=1, adjustment={"level_sd": 0.2, "season_risk": risk.as_dict()}
    )
    weekly = Forecast.objects.create(
        **common, version=2, parent=root, adjustment={"adjustment_factor": 0.9}
    )
    Forecast.objects.create(
        **common, version=3, parent=weekly, adjustment={"adjustment_factor": factor_at_close}
    )


def test_a_closed_seasons_miss_and_its_expected_history_error_are_read() -> None:
    dresses = CategoryFactory(name="Dresses")
    _season(dresses, WorkflowStatus.CLOSED, 0.5)
    _season(dresses, WorkflowStatus.IN_SEASON, 0.1)  # not closed: no evidence yet

    [closed] = closed_seasons()

    assert closed.category == dresses.pk
    assert closed.log_error == pytest.approx(math.log(0.5))
    # The history part of the season's own distribution, without its shock.
    expected = season_risk(HISTORY_ERRORS, shape_variance=(0.001, 0.0)).history_variance
    assert closed.history_variance == pytest.approx(expected)


def test_the_next_forecast_learns_the_shock_from_closed_seasons() -> None:
    dresses = CategoryFactory(name="Dresses")
    assert "no closed seasons yet" in season_shock_for(category_id=dresses.pk).source

    _season(dresses, WorkflowStatus.CLOSED, 0.5)

    shock = season_shock_for(category_id=dresses.pk)
    # A season that landed at half its plan: a wider shock than the 0.20 prior.
    assert shock.sd > 0.2
    assert shock.closed_seasons == 1
    assert "learned from 1 closed season of this category and 1 of all categories" in (shock.source)
