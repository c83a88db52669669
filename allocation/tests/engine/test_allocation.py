"""Manufacturing quantity and allocation."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.allocation import attribute_scores, plan_allocation, store_shares
from allocation.engine.types import StoreProfile


def _stores(n: int = 4) -> list[StoreProfile]:
    return [
        StoreProfile(
            store_id=f"S{i:03d}",
            size_sqft=8000 + 1000 * i,
            median_income=60000 + 5000 * i,
            location_tier="ABC"[i % 3],
            category_units=100.0 * (i + 1),
        )
        for i in range(1, n + 1)
    ]


def _assign(stores: list[StoreProfile]) -> dict[str, str]:
    return {s.store_id: ("big" if i % 2 else "small") for i, s in enumerate(stores)}


def test_8000_at_20_percent_safety_and_45_percent_holdback() -> None:
    stores = _stores()
    plan = plan_allocation(
        weekly_forecast=[1000.0] * 8,
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.20,
        dc_holdback_pct=0.45,
    )

    assert (plan.manufacturing_qty, plan.dc_holdback_units, plan.store_initial_units) == (
        9600,
        4320,
        5280,
    )


def test_no_holdback_and_no_replenishment_ships_everything_at_25_percent() -> None:
    stores = _stores()
    plan = plan_allocation(
        weekly_forecast=[1000.0] * 8,
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.25,
        dc_holdback_pct=0.0,
    )

    assert (plan.manufacturing_qty, plan.dc_holdback_units, plan.store_initial_units) == (
        10000,
        0,
        10000,
    )
    assert sum(line.initial_units for line in plan.stores) == 10000


def test_quantity_rounds_up_to_whole_units() -> None:
    stores = _stores()
    plan = plan_allocation(
        weekly_forecast=[100.3, 100.3],
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.20,
        dc_holdback_pct=0.5,
    )

    assert plan.manufacturing_qty == 241  # 200.6 x 1.2 = 240.72
    assert plan.dc_holdback_units == 121  # 120.5 rounds half up


def test_shares_follow_recent_sales_not_attributes_by_hand() -> None:
    # One cluster, two stores: recent sales 300 vs 100; B is the bigger, richer store.
    stores = [
        StoreProfile(
            "A", size_sqft=1000, median_income=40000, location_tier="C", category_units=300
        ),
        StoreProfile(
            "B", size_sqft=3000, median_income=90000, location_tier="A", category_units=100
        ),
    ]

    cluster_share, share = store_shares(stores, {"A": "c", "B": "c"})

    assert cluster_share == {"c": 1.0}
    assert share == pytest.approx({"A": 0.75, "B": 0.25})


def test_a_new_store_gets_its_clusters_average_share() -> None:
    # Cluster x: A 300, B 100 and the new store N; cluster y: C 600.
    stores = [
        StoreProfile("A", category_units=300),
        StoreProfile("B", category_units=100),
        StoreProfile("C", category_units=600),
        StoreProfile("N"),
    ]

    cluster_share, share = store_shares(stores, {"A": "x", "B": "x", "N": "x", "C": "y"})

    # Known shares .3/.1/.6; N takes x's average .2; all rescaled by 1/1.2.
    assert share == pytest.approx({"A": 0.25, "B": 0.1 / 1.2, "C": 0.5, "N": 0.2 / 1.2})
    assert cluster_share == pytest.approx({"x": 0.5, "y": 0.5})


def test_attribute_score_by_hand() -> None:
    stores = [
        StoreProfile("A", size_sqft=2000, median_income=60000, location_tier="A"),
        StoreProfile("B", size_sqft=1000, median_income=30000, location_tier="C"),
    ]

    scores = attribute_scores(stores)

    # means: size 1500, income 45000
    assert scores["A"] == pytest.approx(0.5 * 2000 / 1500 + 0.3 * 60000 / 45000 + 0.2 * 1)
    assert scores["B"] == pytest.approx(0.5 * 1000 / 1500 + 0.3 * 30000 / 45000 + 0.2 / 3)


def test_cluster_share_is_its_share_of_category_history() -> None:
    stores = _stores(4)  # units 200, 300, 400, 500; "big" = S002 and S004
    plan = plan_allocation(
        weekly_forecast=[500.0] * 4,
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.2,
        dc_holdback_pct=0.0,
    )

    shares = {line.cluster: line.share for line in plan.clusters}
    assert shares == pytest.approx({"big": 800 / 1400, "small": 600 / 1400})


def test_every_store_gets_its_two_week_floor_first() -> None:
    stores = _stores(4)
    plan = plan_allocation(
        weekly_forecast=[1000.0, 1000.0, 10.0, 10.0],
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.10,
        dc_holdback_pct=0.0,
    )

    assert plan.floors_applied
    for line in plan.stores:
        assert line.floor_units == round(2000 * line.season_share)
        assert line.initial_units >= line.floor_units


def test_when_units_cannot_cover_the_floors_they_split_by_floor() -> None:
    stores = _stores(4)
    plan = plan_allocation(
        weekly_forecast=[1000.0, 1000.0, 10.0],
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.10,
        dc_holdback_pct=0.9,
    )

    assert not plan.floors_applied
    assert sum(line.initial_units for line in plan.stores) == plan.store_initial_units


@pytest.mark.parametrize(
    ("safety", "holdback", "message"),
    [(0.05, 0.4, "safety stock must be 10%-30%"), (0.2, 1.2, "DC holdback must be 0-100 %")],
)
def test_out_of_range_inputs_are_rejected(safety: float, holdback: float, message: str) -> None:
    stores = _stores()
    with pytest.raises(ValueError, match=message):
        plan_allocation(
            weekly_forecast=[1.0],
            stores=stores,
            assignments=_assign(stores),
            safety_stock_pct=safety,
            dc_holdback_pct=holdback,
        )


store_strategy = st.builds(
    StoreProfile,
    store_id=st.uuids().map(str),
    size_sqft=st.one_of(st.none(), st.floats(100, 50000)),
    median_income=st.one_of(st.none(), st.floats(1000, 300000)),
    location_tier=st.one_of(st.none(), st.sampled_from("ABC")),
    category_units=st.floats(0, 1e6),
)


@settings(max_examples=200, deadline=None)
@given(
    weekly=st.lists(st.floats(0, 50000), min_size=1, max_size=52),
    stores=st.lists(store_strategy, min_size=1, max_size=40, unique_by=lambda s: s.store_id),
    clusters=st.integers(1, 4),
    safety=st.floats(0.10, 0.30),
    holdback=st.floats(0.0, 1.0),
)
def test_units_are_conserved_at_every_level(
    weekly: list[float],
    stores: list[StoreProfile],
    clusters: int,
    safety: float,
    holdback: float,
) -> None:
    assignments = {s.store_id: f"c{i % clusters}" for i, s in enumerate(stores)}

    plan = plan_allocation(
        weekly_forecast=weekly,
        stores=stores,
        assignments=assignments,
        safety_stock_pct=safety,
        dc_holdback_pct=holdback,
    )

    assert plan.manufacturing_qty >= sum(weekly) * (1 + safety) - 1e-6
    assert plan.dc_holdback_units + plan.store_initial_units == plan.manufacturing_qty
    assert sum(c.initial_units for c in plan.clusters) == plan.store_initial_units
    for cluster in plan.clusters:
        members = [line for line in plan.stores if line.cluster == cluster.cluster]
        assert sum(line.initial_units for line in members) == cluster.initial_units
    assert all(line.initial_units >= 0 for line in plan.stores)
    assert sum(line.season_share for line in plan.stores) == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(weekly=st.lists(st.floats(1, 50000), min_size=1, max_size=20))
def test_zero_holdback_ships_everything_and_full_holdback_ships_nothing(
    weekly: list[float],
) -> None:
    stores = _stores(5)

    everything = plan_allocation(
        weekly_forecast=weekly,
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.2,
        dc_holdback_pct=0.0,
    )
    nothing = plan_allocation(
        weekly_forecast=weekly,
        stores=stores,
        assignments=_assign(stores),
        safety_stock_pct=0.2,
        dc_holdback_pct=1.0,
    )

    assert everything.store_initial_units == everything.manufacturing_qty
    assert everything.dc_holdback_units == 0
    assert nothing.store_initial_units == 0
    assert all(line.initial_units == 0 for line in nothing.stores)
