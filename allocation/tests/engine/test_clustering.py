"""Store clustering."""

import numpy as np
import pytest

from allocation.engine.clustering import ClusteringError, cluster_labels, cluster_stores
from allocation.engine.types import StoreProfile


def _three_groups(seed: int = 0, **overrides) -> list[StoreProfile]:
    """Big premium stores, middling ones, small value ones: well separated."""
    rng = np.random.default_rng(seed)
    stores = []
    for group, (sales, size, income) in enumerate(
        [(10000, 14000, 110000), (6000, 9000, 70000), (3000, 6000, 40000)]
    ):
        for i in range(8):
            values = {
                "avg_weekly_sales_12mo": sales * rng.uniform(0.95, 1.05),
                "size_sqft": size * rng.uniform(0.95, 1.05),
                "median_income": income * rng.uniform(0.95, 1.05),
                "foot_traffic": sales * 2 * rng.uniform(0.95, 1.05),
            }
            values.update(overrides)
            stores.append(StoreProfile(store_id=f"G{group}-{i}", **values))
    return stores


def test_separated_groups_are_found_and_named_by_sales_level() -> None:
    result = cluster_stores(_three_groups(), k=3)

    by_label = {
        label: sorted(s for s, c in result.assignments.items() if c == label)
        for label in result.labels
    }
    assert by_label["fashion_forward"] == [f"G0-{i}" for i in range(8)]
    assert by_label["mainstream"] == [f"G1-{i}" for i in range(8)]
    assert by_label["value_conscious"] == [f"G2-{i}" for i in range(8)]
    assert result.silhouette > 0.6
    assert result.mean_sales["fashion_forward"] > result.mean_sales["value_conscious"]


def test_same_input_same_clusters() -> None:
    assert cluster_stores(_three_groups(), k=3) == cluster_stores(_three_groups(), k=3)


def test_uses_only_the_attributes_present() -> None:
    result = cluster_stores(_three_groups(), k=3)

    assert result.features == (
        "avg_weekly_sales_12mo",
        "size_sqft",
        "median_income",
        "foot_traffic",
    )
    assert result.imputed == {}


def test_missing_values_take_the_median_and_sparse_features_are_dropped() -> None:
    stores = _three_groups()
    stores[0] = StoreProfile(
        store_id="G0-0",
        avg_weekly_sales_12mo=10000,
        size_sqft=None,
        median_income=110000,
        foot_traffic=20000,
    )
    stores[1] = StoreProfile(
        store_id="G0-1",
        avg_weekly_sales_12mo=10000,
        size_sqft=14000,
        median_income=110000,
        foot_traffic=20000,
        population_density=5,
    )

    result = cluster_stores(stores, k=3)

    assert result.imputed == {"size_sqft": 1}
    assert "population_density" in result.dropped


def test_k_by_silhouette_finds_three_groups() -> None:
    result = cluster_stores(_three_groups(), k=None)

    assert result.k == 3
    assert set(result.silhouette_by_k) == {2, 3, 4, 5, 6}
    assert result.silhouette_by_k[3] == max(result.silhouette_by_k.values())


def test_labels_for_other_k() -> None:
    assert cluster_labels(2) == ("fashion_forward", "value_conscious")
    assert cluster_labels(4) == (
        "fashion_forward",
        "mainstream_1",
        "mainstream_2",
        "value_conscious",
    )


def test_stores_without_attributes_cannot_be_clustered() -> None:
    stores = [StoreProfile(store_id=f"S{i}") for i in range(5)]

    with pytest.raises(ClusteringError, match="upload store attributes"):
        cluster_stores(stores, k=3)
