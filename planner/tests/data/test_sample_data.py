"""The generator: determinism and the statistical shape the docs describe."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from planner.data.sample_data import HISTORY_FILE, SCENARIOS, STORES_FILE, write_sample_data


def _digest(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*.csv"))
    }


@pytest.fixture(scope="module")
def history(sample_dir: Path) -> pd.DataFrame:
    return pd.read_csv(sample_dir / HISTORY_FILE, parse_dates=["date"])


@pytest.fixture(scope="module")
def stores(sample_dir: Path) -> pd.DataFrame:
    return pd.read_csv(sample_dir / STORES_FILE)


def test_same_seed_writes_byte_identical_files(sample_dir: Path, tmp_path: Path) -> None:
    write_sample_data(tmp_path)

    assert _digest(tmp_path) == _digest(sample_dir)
    assert len(_digest(tmp_path)) == 2 + 3 * len(SCENARIOS)


def test_another_seed_writes_other_sales(sample_dir: Path, tmp_path: Path) -> None:
    write_sample_data(tmp_path, seed=7)

    assert _digest(tmp_path)[HISTORY_FILE] != _digest(sample_dir)[HISTORY_FILE]


def test_history_covers_three_years_daily_for_50_stores_and_3_categories(
    history: pd.DataFrame,
) -> None:
    assert len(history) == 164_400
    assert history["date"].min() == pd.Timestamp("2022-01-01")
    assert history["date"].max() == pd.Timestamp("2024-12-31")
    assert history["store_id"].nunique() == 50
    assert sorted(history["category"].unique()) == [
        "Accessories",
        "Men's Shirts",
        "Women's Dresses",
    ]
    assert not history.duplicated(["date", "store_id", "category"]).any()
    assert (history["quantity_sold"] >= 0).all()


def test_revenue_is_units_times_category_price(history: pd.DataFrame) -> None:
    prices = {"Women's Dresses": 55.0, "Men's Shirts": 35.0, "Accessories": 25.0}
    expected = history["quantity_sold"] * history["category"].map(prices)

    assert (history["revenue"] - expected).abs().max() < 0.005


@pytest.mark.parametrize(
    ("category", "peak_months", "trough_months"),
    [
        ("Women's Dresses", {4, 5}, {1, 2}),  # spring ramp, May peak (1.5 and Mother's Day)
        ("Men's Shirts", {8}, {1, 2}),  # back to school
        ("Accessories", {12}, {1}),  # holidays
    ],
)
def test_monthly_seasonality_peaks_in_the_right_months(
    history: pd.DataFrame, category: str, peak_months: set[int], trough_months: set[int]
) -> None:
    rows = history[history["category"] == category]
    per_day = (
        rows.groupby(rows["date"].dt.month)["quantity_sold"].sum()
        / rows.groupby(rows["date"].dt.month)["date"].nunique()
    )

    assert per_day.idxmax() in peak_months
    assert per_day.idxmin() in trough_months


def test_growth_makes_each_year_sell_more(history: pd.DataFrame) -> None:
    yearly = history.groupby(history["date"].dt.year)["quantity_sold"].sum()

    assert yearly[2022] < yearly[2023] < yearly[2024]


def test_black_friday_lifts_accessories(history: pd.DataFrame) -> None:
    rows = history[history["category"] == "Accessories"].groupby("date")["quantity_sold"].sum()
    black_friday = rows[pd.Timestamp("2024-11-29")]
    week_before = rows[pd.Timestamp("2024-11-22")]  # also a Friday

    assert black_friday > 1.5 * week_before


def test_three_tiers_and_premium_sells_more_than_value(
    history: pd.DataFrame, stores: pd.DataFrame
) -> None:
    assert stores["fashion_tier"].value_counts().to_dict() == {
        "Mainstream": 20,
        "Premium": 15,
        "Value": 15,
    }
    per_store = history.groupby("store_id")["quantity_sold"].sum()
    by_tier = stores.set_index("store_id")["fashion_tier"]
    mean_by_tier = per_store.groupby(by_tier).mean()

    assert mean_by_tier["Premium"] > mean_by_tier["Mainstream"] > mean_by_tier["Value"]


def test_avg_weekly_sales_is_the_last_52_weeks_revenue(
    history: pd.DataFrame, stores: pd.DataFrame
) -> None:
    recent = history[history["date"] >= pd.Timestamp("2024-12-31") - pd.Timedelta(days=363)]
    expected = (recent.groupby("store_id")["revenue"].sum() / 52).round(2)
    actual = stores.set_index("store_id")["avg_weekly_sales_12mo"]

    assert (actual - expected.reindex(actual.index)).abs().max() < 0.01


def _scenario_total(sample_dir: Path, name: str) -> pd.Series:
    frame = pd.read_csv(sample_dir / "scenarios" / "womens-dresses" / f"{name}.csv")
    assert len(frame) == 50 * 12
    assert sorted(frame["week_number"].unique()) == list(range(1, 13))
    return frame.groupby("week_number")["units_sold"].sum()


def test_scenarios_scale_demand_as_named(sample_dir: Path) -> None:
    normal = _scenario_total(sample_dir, "normal")
    high = _scenario_total(sample_dir, "high_demand")
    low = _scenario_total(sample_dir, "low_demand")
    severe = _scenario_total(sample_dir, "severe_underperformance")
    no_spike = normal.drop(5)

    # Store-week noise of +/-22.5 % averages out over 50 stores to within a few percent.
    assert high.drop(5).sum() / no_spike.sum() == pytest.approx(1.25, rel=0.04)
    assert low.drop(5).sum() / no_spike.sum() == pytest.approx(0.80, rel=0.04)
    assert normal[5] / ((normal[4] + normal[6]) / 2) == pytest.approx(1.30, rel=0.08)
    severe_ratio = severe / normal.where(normal.index != 5, normal[5] / 1.3)
    assert severe_ratio.loc[1:3].mean() == pytest.approx(0.70, abs=0.05)
    assert severe_ratio.loc[10:12].mean() < severe_ratio.loc[1:3].mean() - 0.08
