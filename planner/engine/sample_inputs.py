"""Engine inputs read straight from the generated sample files (for the evaluation command
and tests that replay scenarios without a database). No Django imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from allocation.engine.shares import recent_units
from allocation.engine.types import StoreProfile
from forecasting.engine.types import Season
from planner.data.sample_data import HISTORY_FILE, SCENARIO_DIR, STORES_FILE
from shared.economics import Economics, economics_with_defaults


def read_history(directory: Path) -> pd.DataFrame:
    return pd.read_csv(directory / HISTORY_FILE, parse_dates=["date"])


def history_economics(
    history: pd.DataFrame,
    category_name: str,
    *,
    default_price: float,
    cost_share: float,
    salvage_share: float,
) -> Economics:
    """The category's economics as the product derives them with nothing set on the
    category: price = history revenue / units, cost and salvage the configured shares."""
    rows = history[history["category"] == category_name]
    return economics_with_defaults(
        price=None,
        unit_cost=None,
        salvage_value=None,
        shipment_cost=0.0,
        history_revenue=float(rows["revenue"].sum()) if "revenue" in rows else None,
        history_units=float(rows["quantity_sold"].sum()),
        default_price=default_price,
        cost_share=cost_share,
        salvage_share=salvage_share,
    )


def category_inputs(
    directory: Path,
    category_name: str,
    history: pd.DataFrame | None = None,
    *,
    season: Season,
) -> tuple[dict[dt.date, float], list[StoreProfile]]:
    """The category's daily chain units and every store's profile with its units in the
    recent window that predicts store shares best before `season` (as the product reads
    them from the database).

    Pass `history` (from `read_history`) to read the large history file only once.
    """
    history = read_history(directory) if history is None else history
    rows = history[history["category"] == category_name]
    if rows.empty:
        raise ValueError(f"no history for {category_name!r} in {directory / HISTORY_FILE}")
    daily = {
        day.date(): float(units)
        for day, units in rows.groupby("date")["quantity_sold"].sum().items()
    }
    recent, _ = recent_units(
        (
            (day.date(), str(store), float(units))
            for day, store, units in rows[["date", "store_id", "quantity_sold"]].itertuples(
                index=False
            )
        ),
        season_start=season.start,
        season_weeks=season.weeks,
    )
    stores = pd.read_csv(directory / STORES_FILE)
    profiles = store_profiles(stores, recent)
    return daily, profiles


def store_profiles(stores: pd.DataFrame, units: Mapping[str, float]) -> list[StoreProfile]:
    """Profiles from a frame with the store attributes file's columns, and each store's
    recent units of one category."""
    return [
        StoreProfile(
            store_id=row.store_id,
            avg_weekly_sales_12mo=float(row.avg_weekly_sales_12mo),
            size_sqft=float(row.store_size_sqft),
            median_income=float(row.median_income),
            foot_traffic=float(row.foot_traffic),
            competitor_density=float(row.competitor_density),
            online_penetration=float(row.online_penetration),
            population_density=float(row.population_density),
            location_tier=str(row.location_tier),
            category_units=float(units.get(row.store_id, 0.0)),
        )
        for row in stores.itertuples()
    ]


def scenario_actuals(directory: Path, category_slug: str, scenario: str) -> dict[str, list[int]]:
    """Store id -> units sold in weeks 1..12 of a generated scenario."""
    frame = pd.read_csv(directory / SCENARIO_DIR / category_slug / f"{scenario}.csv")
    frame = frame.sort_values(["store_id", "week_number"])
    return {
        store: group["units_sold"].astype(int).tolist()
        for store, group in frame.groupby("store_id")
    }
