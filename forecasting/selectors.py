"""Reads of the forecasting app that other apps call."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery

from forecasting import fetch
from forecasting.engine.risk import ClosedSeason, SeasonRisk, SeasonShock, learned_shock
from forecasting.models import Forecast
from shared.choices import WorkflowStatus


def season_forecast(*, workflow_id: int, version: int = 1) -> Forecast | None:
    """A version of a season's plan: 1 is the pre-season forecast, k + 1 the plan in force
    after week k."""
    return Forecast.objects.filter(workflow_id=workflow_id, version=version).first()


def latest_forecast_for(*, workflow_id: int) -> Forecast | None:
    """The plan in force: the season's newest version."""
    return Forecast.objects.filter(workflow_id=workflow_id).order_by("-version").first()


def forecast_by_id(forecast_id: int) -> Forecast:
    """Raises Forecast.DoesNotExist with a message naming the id."""
    try:
        return Forecast.objects.get(pk=forecast_id)
    except Forecast.DoesNotExist:
        raise Forecast.DoesNotExist(f"No forecast with id {forecast_id}.") from None


def root_forecast(forecast: Forecast) -> Forecast:
    """The pre-season version (1) of the season a plan version belongs to."""
    if forecast.version == 1 or forecast.workflow_id is None:
        return forecast
    return Forecast.objects.get(workflow_id=forecast.workflow_id, version=1)


def forecast_identity(forecast: Forecast) -> dict[str, int | None]:
    """What an answer keyed by a forecast id says about it: the id asked for, its version,
    its season (`workflow_id`) and the season's pre-season forecast, which holds the
    allocation and the markdowns of every version."""
    return {
        "forecast_id": forecast.pk,
        "forecast_version": forecast.version,
        "workflow_id": forecast.workflow_id,
        "season_forecast_id": root_forecast(forecast).pk,
    }


def closed_seasons() -> list[ClosedSeason]:
    """Every closed season's miss: log(demand level at the close / the pre-season plan), from
    the level update of its last plan version (markdown lifts and sold-out stores already
    taken out), with the history variance its pre-season forecast expected."""
    latest = (
        Forecast.objects.filter(workflow_id=OuterRef("workflow_id"))
        .order_by("-version")
        .values("version")[:1]
    )
    # Only the pre-season plan and the last version of each season are read.
    rows = (
        Forecast.objects.filter(workflow__status=WorkflowStatus.CLOSED)
        .filter(Q(version=1) | Q(version=Subquery(latest)))
        .only("workflow_id", "version", "category_id", "adjustment")
        .order_by("workflow_id", "version")
    )
    versions: dict[int, list[Forecast]] = {}
    for forecast in rows:
        versions.setdefault(forecast.workflow_id or 0, []).append(forecast)
    closed = []
    for plans in versions.values():
        root, final = plans[0], plans[-1]
        # The level with any markdown's lift error taken out (older versions lack it).
        factor = float(
            final.adjustment.get("demand_factor", final.adjustment.get("adjustment_factor", 0.0))
        )
        if root.version != 1 or factor <= 0:
            continue
        risk = root.adjustment.get("season_risk")
        variance = (
            SeasonRisk.from_dict(risk).history_variance
            if isinstance(risk, dict)
            else float(root.adjustment.get("level_sd", 0.0)) ** 2
        )
        closed.append(ClosedSeason(root.category_id, math.log(factor), variance))
    return closed


def season_shock_for(*, category_id: str) -> SeasonShock:
    """The season-shock spread for a new forecast of the category: learned from the closed
    seasons, or the prior (PLANNING_SEASON_SHOCK_SD) when there are none."""
    return learned_shock(
        closed_seasons(),
        category=category_id,
        prior_sd=settings.PLANNING["SEASON_SHOCK_SD"],
        prior_seasons=settings.PLANNING["SEASON_SHOCK_PRIOR_SEASONS"],
    )


@dataclass(frozen=True)
class SeasonRange:
    """Where the season's demand total should land, in units: the 80 and 95 % intervals of
    the pre-season forecast's season risk, with where its two parts came from."""

    low_80: int
    high_80: int
    low_95: int
    high_95: int
    history: str
    shock: str
    shock_is_prior: bool


def season_range(forecast: Forecast) -> SeasonRange:
    """The season range of a plan version's pre-season forecast (the distribution belongs to
    the season's plan of record, not to a weekly update)."""
    root = root_forecast(forecast)
    risk = fetch.stored_risk(root)
    total = math.fsum(w.units for w in root.weeks.all())
    low80, high80 = risk.interval(0.8)
    low95, high95 = risk.interval(0.95)
    return SeasonRange(
        low_80=math.floor(total * low80),
        high_80=math.ceil(total * high80),
        low_95=math.floor(total * low95),
        high_95=math.ceil(total * high95),
        history=risk.note,
        shock=risk.shock.source,
        shock_is_prior=risk.shock.closed_seasons == 0 and risk.shock.sd > 0,
    )
