import datetime as dt

import factory

from planner.models import SeasonParameters, Workflow
from shared.tests.factories import CategoryFactory


class SeasonParametersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeasonParameters

    season_start_date = dt.date(2025, 2, 17)
    forecast_horizon_weeks = 12
    season_end_date = factory.LazyAttribute(
        lambda p: p.season_start_date + dt.timedelta(days=7 * p.forecast_horizon_weeks - 1)
    )


class WorkflowFactory(factory.django.DjangoModelFactory):
    """A pre-season workflow that has not started."""

    class Meta:
        model = Workflow

    category = factory.SubFactory(CategoryFactory)
    parameters = factory.SubFactory(SeasonParametersFactory)
    current_agent = "orchestrator"
