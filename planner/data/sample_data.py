"""Deterministic sample data. No Django imports.

50 stores in three tiers whose attributes drive their sales, daily history 2022-01-01 ..
2024-12-31 for three categories, and five in-season scenarios of weekly actuals for a
12-week season starting Monday 2025-02-17. The same seed gives byte-identical files.

Expected daily units of a category in a store:
    base units x store strength x month factor x weekday factor x growth x event factor
then a multiplicative daily noise of +/-12.5 % and unbiased stochastic rounding to whole units.
Choices left open are stated where they are made (event windows, store strength).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shared.imports import STORE_COLUMNS

SEED = 20250217
HISTORY_START = dt.date(2022, 1, 1)
HISTORY_END = dt.date(2024, 12, 31)
SEASON_START = dt.date(2025, 2, 17)
SEASON_WEEKS = 12
DAILY_NOISE = 0.125  # +/-10-15 % on each day
SCENARIO_NOISE = 0.225  # +/-20-25 % on each store-week

STORES_FILE = "store_attributes.csv"
HISTORY_FILE = "historical_sales_2022_2024.csv"
SCENARIO_DIR = "scenarios"


@dataclass(frozen=True)
class Event:
    """A multiplier on the days of a named event; `days` gives the window (see `_event_days`)."""

    name: str
    lift: float


@dataclass(frozen=True)
class CategorySpec:
    name: str
    slug: str
    price: float
    base_daily_units: float  # for a store of strength 1.0, before seasonality
    monthly: tuple[float, ...]  # Jan..Dec
    weekday: tuple[float, ...]  # Mon..Sun
    growth_per_year: float
    events: tuple[Event, ...]


CATEGORIES = (
    CategorySpec(
        name="Women's Dresses",
        slug="womens-dresses",
        price=55.0,
        base_daily_units=6.0,
        monthly=(0.6, 0.7, 1.2, 1.4, 1.5, 1.3, 1.2, 1.1, 0.9, 0.8, 0.7, 0.8),
        weekday=(0.8, 0.9, 1.0, 1.1, 1.3, 1.5, 1.2),
        growth_per_year=0.08,
        events=(Event("valentines", 0.30), Event("mothers_day", 0.40)),
    ),
    CategorySpec(
        name="Men's Shirts",
        slug="mens-shirts",
        price=35.0,
        base_daily_units=5.0,
        monthly=(0.9, 0.9, 1.0, 1.0, 1.0, 1.1, 1.0, 1.2, 1.1, 1.0, 1.0, 1.0),
        weekday=(0.95, 0.95, 1.0, 1.0, 1.1, 1.15, 1.05),
        growth_per_year=0.03,
        events=(
            Event("fathers_day", 0.25),
            Event("back_to_school", 0.15),
            Event("black_friday", 0.35),
        ),
    ),
    CategorySpec(
        name="Accessories",
        slug="accessories",
        price=25.0,
        base_daily_units=9.0,
        monthly=(0.6, 0.8, 0.9, 1.0, 1.0, 0.9, 0.8, 0.9, 1.0, 1.1, 1.6, 1.8),
        weekday=(0.7, 0.8, 0.9, 1.0, 1.4, 1.6, 1.3),
        growth_per_year=0.05,
        events=(
            Event("valentines", 0.50),
            Event("black_friday", 0.80),
            Event("christmas", 1.00),
        ),
    ),
)

# Weekly demand multipliers of the in-season scenarios, weeks 1..12.
SCENARIOS: dict[str, tuple[float, ...]] = {
    "normal": tuple(1.30 if week == 5 else 1.0 for week in range(1, SEASON_WEEKS + 1)),
    "high_demand": (1.25,) * SEASON_WEEKS,
    "low_demand": (0.80,) * SEASON_WEEKS,
    "steady_underperformance": (0.85,) * SEASON_WEEKS,
    # -30 % in week 1, falling steadily to -45 % by week 12.
    "severe_underperformance": tuple(
        round(0.70 - 0.15 * (week - 1) / (SEASON_WEEKS - 1), 4)
        for week in range(1, SEASON_WEEKS + 1)
    ),
}

# How customers answer a markdown in each scenario, against the lift the plan assumes
# (1: as assumed; 0: not at all). The files hold full-price demand; a replay scales the
# weeks after a decided markdown by 1 + this x its expected lift, so the plan has to learn
# the lift from the sales rather than find the one it assumed.
SCENARIO_LIFT_RESPONSE: dict[str, float] = {
    "normal": 1.0,
    "high_demand": 1.0,
    "low_demand": 1.0,
    "steady_underperformance": 0.5,
    "severe_underperformance": 0.0,
}

# Store attribute distributions by fashion tier: (mean, sd) or choices with weights.
_TIER_COUNTS = {"Premium": 15, "Mainstream": 20, "Value": 15}
_TIER_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "Premium": {
        "size": (12000, 1800),
        "income": (112000, 14000),
        "traffic": (18000, 2500),
        "competitors": (8.0, 2.0),
        "online": (0.31, 0.04),
        "density": (9000, 1800),
        "location": (("A", "B"), (0.8, 0.2)),
        "format": (("flagship", "mall"), (0.4, 0.6)),
        "mall_share": 0.6,
    },
    "Mainstream": {
        "size": (9000, 1500),
        "income": (72000, 9000),
        "traffic": (12000, 2000),
        "competitors": (5.5, 1.8),
        "online": (0.25, 0.04),
        "density": (5200, 1400),
        "location": (("A", "B", "C"), (0.2, 0.6, 0.2)),
        "format": (("mall", "street"), (0.5, 0.5)),
        "mall_share": 0.5,
    },
    "Value": {
        "size": (7000, 1300),
        "income": (46000, 7000),
        "traffic": (8000, 1500),
        "competitors": (3.0, 1.2),
        "online": (0.18, 0.03),
        "density": (2600, 900),
        "location": (("B", "C"), (0.3, 0.7)),
        "format": (("street", "outlet"), (0.5, 0.5)),
        "mall_share": 0.3,
    },
}
_REGIONS = ("North", "South", "East", "West", "Central")


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday (Mon=0) of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _event_days(name: str, year: int) -> list[dt.date]:
    """Windows left open, chosen as a US retailer sees them."""
    if name == "valentines":  # 3 days up to 14 February
        return [dt.date(year, 2, 12) + dt.timedelta(days=i) for i in range(3)]
    if name == "mothers_day":  # 5 days up to the second Sunday of May
        day = _nth_weekday(year, 5, 6, 2)
        return [day - dt.timedelta(days=i) for i in range(5)]
    if name == "fathers_day":  # 5 days up to the third Sunday of June
        day = _nth_weekday(year, 6, 6, 3)
        return [day - dt.timedelta(days=i) for i in range(5)]
    if name == "back_to_school":  # 10-31 August
        return [dt.date(year, 8, 10) + dt.timedelta(days=i) for i in range(22)]
    if name == "black_friday":  # Friday after the fourth Thursday of November to Monday
        friday = _nth_weekday(year, 11, 3, 4) + dt.timedelta(days=1)
        return [friday + dt.timedelta(days=i) for i in range(4)]
    if name == "christmas":  # 18-24 December
        return [dt.date(year, 12, 18) + dt.timedelta(days=i) for i in range(7)]
    raise ValueError(f"unknown event {name}")


def generate_stores(
    rng: np.random.Generator, tier_counts: dict[str, int] | None = None
) -> pd.DataFrame:
    """50 stores S001..S050 (or `tier_counts` stores); tiers assigned in a shuffled order so
    ids do not reveal them."""
    counts = tier_counts or _TIER_COUNTS
    tiers = np.array([tier for tier, count in counts.items() for _ in range(count)], dtype=object)
    rng.shuffle(tiers)
    rows = []
    for number, tier in enumerate(tiers, start=1):
        spec = _TIER_ATTRIBUTES[tier]

        def normal(key: str, spec: dict = spec) -> float:
            mean, sd = spec[key]
            return float(rng.normal(mean, sd))

        locations, location_weights = spec["location"]
        formats, format_weights = spec["format"]
        rows.append(
            {
                "store_id": f"S{number:03d}",
                "store_name": f"{_REGIONS[number % len(_REGIONS)]} {tier} {number:02d}",
                "store_size_sqft": int(max(2500, round(normal("size"), -1))),
                "median_income": int(max(20000, round(normal("income"), -2))),
                "location_tier": rng.choice(locations, p=location_weights),
                "fashion_tier": tier,
                "store_format": rng.choice(formats, p=format_weights),
                "region": _REGIONS[number % len(_REGIONS)],
                "foot_traffic": int(max(1000, round(normal("traffic"), -1))),
                "competitor_density": round(max(0.0, normal("competitors")), 1),
                "online_penetration": round(min(0.9, max(0.02, normal("online"))), 3),
                "population_density": int(max(200, round(normal("density"), -1))),
                "mall_location": bool(rng.random() < spec["mall_share"]),
            }
        )
    stores = pd.DataFrame(rows)
    # Store strength: what a store sells relative to an average store. Size and foot traffic
    # carry most of it, income some; a store-specific effect of +/-8 % keeps it imperfect.
    strength = (
        0.40 * stores["store_size_sqft"] / 9000
        + 0.40 * stores["foot_traffic"] / 12000
        + 0.20 * stores["median_income"] / 72000
    ) * rng.uniform(0.92, 1.08, size=len(stores))
    stores["strength"] = strength.round(4)
    return stores


def expected_daily_units(
    category: CategorySpec, days: pd.DatetimeIndex, strength: np.ndarray
) -> np.ndarray:
    """Expected units, shape (days, stores), before noise."""
    month = np.asarray(category.monthly)[days.month - 1]
    weekday = np.asarray(category.weekday)[days.day_of_week]
    years = (days - pd.Timestamp(HISTORY_START)).days.to_numpy() / 365.25
    growth = (1 + category.growth_per_year) ** years
    event = np.ones(len(days))
    index = {day.date(): i for i, day in enumerate(days)}
    for item in category.events:
        for year in sorted(set(days.year)):
            for day in _event_days(item.name, year):
                if day in index:
                    event[index[day]] *= 1 + item.lift
    per_day = category.base_daily_units * month * weekday * growth * event
    return per_day[:, None] * strength[None, :]


def _round_units(expected: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whole units without bias: 4.3 becomes 5 with probability 0.3, else 4."""
    return np.floor(expected + rng.random(expected.shape)).astype(np.int64)


def generate_history(stores: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Daily rows `date,store_id,category,quantity_sold,revenue` sorted by date, store, category."""
    days = pd.date_range(HISTORY_START, HISTORY_END, freq="D")
    strength = stores["strength"].to_numpy()
    frames = []
    for order, category in enumerate(CATEGORIES):
        expected = expected_daily_units(category, days, strength)
        noise = rng.uniform(1 - DAILY_NOISE, 1 + DAILY_NOISE, size=expected.shape)
        units = _round_units(expected * noise, rng)
        frames.append(
            pd.DataFrame(
                {
                    "date": np.repeat(days.strftime("%Y-%m-%d"), len(stores)),
                    "store_id": np.tile(stores["store_id"].to_numpy(), len(days)),
                    "category": category.name,
                    "order": order,
                    "quantity_sold": units.ravel(),
                    "revenue": np.round(units.ravel() * category.price, 2),
                }
            )
        )
    history = pd.concat(frames, ignore_index=True)
    history = history.sort_values(["date", "store_id", "order"], kind="stable")
    return history.drop(columns="order").reset_index(drop=True)


def generate_scenario(
    category: CategorySpec,
    stores: pd.DataFrame,
    multipliers: tuple[float, ...],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Weekly actuals `store_id,week_number,units_sold` for the 12-week sample season."""
    days = pd.date_range(SEASON_START, periods=7 * SEASON_WEEKS, freq="D")
    daily = expected_daily_units(category, days, stores["strength"].to_numpy())
    weekly = daily.reshape(SEASON_WEEKS, 7, -1).sum(axis=1) * np.asarray(multipliers)[:, None]
    noise = rng.uniform(1 - SCENARIO_NOISE, 1 + SCENARIO_NOISE, size=weekly.shape)
    units = _round_units(weekly * noise, rng)
    return pd.DataFrame(
        {
            "store_id": np.tile(stores["store_id"].to_numpy(), SEASON_WEEKS),
            "week_number": np.repeat(np.arange(1, SEASON_WEEKS + 1), len(stores)),
            "units_sold": units.ravel(),
        }
    )


def _with_avg_weekly_sales(stores: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """avg_weekly_sales_12mo = the store's revenue over the last 52 weeks of history / 52."""
    last_52_weeks = pd.Timestamp(HISTORY_END) - pd.Timedelta(days=52 * 7 - 1)
    recent = history[pd.to_datetime(history["date"]) >= last_52_weeks]
    revenue = recent.groupby("store_id")["revenue"].sum() / 52
    stores = stores.copy()
    stores["avg_weekly_sales_12mo"] = stores["store_id"].map(revenue).round(2)
    return stores


def write_sample_data(directory: Path, seed: int = SEED) -> dict[str, int]:
    """Writes the stores file, the history and every scenario under `directory`.

    Returns the number of data rows written per file (relative path -> rows).
    """
    streams = np.random.SeedSequence(seed).spawn(3)
    store_rng, history_rng, scenario_rng = (np.random.default_rng(s) for s in streams)
    stores = generate_stores(store_rng)
    history = generate_history(stores, history_rng)
    stores = _with_avg_weekly_sales(stores, history)

    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    # The importer's header, with the optional store_name after the id.
    columns = [STORE_COLUMNS[0], "store_name", *STORE_COLUMNS[1:]]
    stores[columns].to_csv(directory / STORES_FILE, index=False, lineterminator="\n")
    written[STORES_FILE] = len(stores)
    history.to_csv(directory / HISTORY_FILE, index=False, float_format="%.2f", lineterminator="\n")
    written[HISTORY_FILE] = len(history)
    for category in CATEGORIES:
        for name, multipliers in SCENARIOS.items():
            frame = generate_scenario(category, stores, multipliers, scenario_rng)
            relative = f"{SCENARIO_DIR}/{category.slug}/{name}.csv"
            (directory / relative).parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(directory / relative, index=False, lineterminator="\n")
            written[relative] = len(frame)
    return written


@dataclass(frozen=True)
class ChainAggregates:
    """A large generated chain, kept as the aggregates planning reads (not 44 million rows)."""

    stores: pd.DataFrame
    daily_units: dict[str, dict[dt.date, float]]  # category -> date -> chain units
    store_units: dict[str, dict[str, float]]  # category -> store id -> history units


def chain_categories(count: int) -> list[CategorySpec]:
    """`count` categories derived from the three sample ones: seasonality shifted by whole
    months, base volume and growth varied, events kept."""
    specs = []
    for index in range(count):
        base = CATEGORIES[index % len(CATEGORIES)]
        shift = index // len(CATEGORIES)
        specs.append(
            CategorySpec(
                name=f"{base.name} {index + 1:02d}",
                slug=f"{base.slug}-{index + 1:02d}",
                price=base.price,
                base_daily_units=base.base_daily_units * (0.6 + 0.1 * (index % 7)),
                monthly=base.monthly[-shift:] + base.monthly[:-shift] if shift else base.monthly,
                weekday=base.weekday,
                growth_per_year=-0.02 + 0.02 * (index % 6),
                events=base.events,
            )
        )
    return specs


def chain_weekly_history(
    stores: pd.DataFrame, category: CategorySpec, rng: np.random.Generator
) -> pd.DataFrame:
    """One category's history for a generated chain as weekly rows (`date` is the Monday):
    the sample data's daily model and noise, summed over the whole weeks of the history."""
    first_monday = HISTORY_START + dt.timedelta(days=-HISTORY_START.weekday() % 7)
    days = pd.date_range(first_monday, HISTORY_END, freq="D")
    days = days[: len(days) // 7 * 7]
    expected = expected_daily_units(category, days, stores["strength"].to_numpy())
    noise = rng.uniform(1 - DAILY_NOISE, 1 + DAILY_NOISE, size=expected.shape)
    daily = _round_units(expected * noise, rng)
    weekly = daily.reshape(len(days) // 7, 7, len(stores)).sum(axis=1)
    mondays = days[::7].strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "date": np.repeat(mondays, len(stores)),
            "store_id": np.tile(stores["store_id"].to_numpy(), len(mondays)),
            "category": category.name,
            "quantity_sold": weekly.ravel(),
            "revenue": np.round(weekly.ravel() * category.price, 2),
        }
    )


def _chain_tiers(stores: int) -> dict[str, int]:
    premium, value = round(stores * 0.3), round(stores * 0.3)
    return {"Premium": premium, "Mainstream": stores - premium - value, "Value": value}


def write_chain_history(directory: Path, *, stores: int, seed: int = SEED) -> tuple[Path, Path]:
    """The stores file and the daily history of the sample's three categories for a chain of
    `stores` stores (tiers 30/40/30 %): 3,288 rows a store, files as large as a test needs.
    Returns the paths of the stores file and the history file."""
    streams = np.random.SeedSequence(seed).spawn(2)
    store_rng, history_rng = (np.random.default_rng(s) for s in streams)
    frame = generate_stores(store_rng, _chain_tiers(stores))
    history = generate_history(frame, history_rng)
    frame = _with_avg_weekly_sales(frame, history)
    directory.mkdir(parents=True, exist_ok=True)
    frame[[STORE_COLUMNS[0], "store_name", *STORE_COLUMNS[1:]]].to_csv(
        directory / STORES_FILE, index=False, lineterminator="\n"
    )
    history.to_csv(directory / HISTORY_FILE, index=False, float_format="%.2f", lineterminator="\n")
    return directory / STORES_FILE, directory / HISTORY_FILE


def generate_chain(
    *, stores: int = 2000, categories: int = 20, seed: int = SEED
) -> ChainAggregates:
    """A chain of `stores` stores (tiers 30/40/30 %) and `categories` categories over the
    sample history's three years, with the same daily model and noise as the sample data."""
    streams = np.random.SeedSequence(seed).spawn(2)
    store_rng, sales_rng = (np.random.default_rng(s) for s in streams)
    frame = generate_stores(store_rng, _chain_tiers(stores))
    days = pd.date_range(HISTORY_START, HISTORY_END, freq="D")
    strength = frame["strength"].to_numpy()
    ids = frame["store_id"].to_numpy()
    daily_units: dict[str, dict[dt.date, float]] = {}
    store_units: dict[str, dict[str, float]] = {}
    revenue = np.zeros(len(frame))
    for category in chain_categories(categories):
        expected = expected_daily_units(category, days, strength)
        noise = sales_rng.uniform(1 - DAILY_NOISE, 1 + DAILY_NOISE, size=expected.shape)
        units = _round_units(expected * noise, sales_rng)
        daily_units[category.name] = {
            day.date(): float(total) for day, total in zip(days, units.sum(axis=1), strict=True)
        }
        store_units[category.name] = dict(zip(ids, units.sum(axis=0).astype(float), strict=True))
        revenue += units.sum(axis=0) * category.price
    # Over the whole history rather than the last 52 weeks: only totals are kept.
    frame["avg_weekly_sales_12mo"] = (revenue / (len(days) / 7)).round(2)
    return ChainAggregates(frame, daily_units, store_units)
