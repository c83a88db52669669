"""Store clustering. No Django imports.

K-means on standardised store features, fixed seed. A feature is used when at least half the
stores have it; the stores missing it take the median. Clusters are labelled by their mean
sales level (avg_weekly_sales_12mo, else this category's history units).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from allocation.engine.types import CLUSTER_FEATURES, Clustering, StoreProfile

DEFAULT_SEED = 42
MIN_FEATURE_COVERAGE = 0.5
K_CANDIDATES = range(2, 7)


class ClusteringError(ValueError):
    """The stores cannot be clustered as asked; the message says why."""


def cluster_labels(k: int) -> tuple[str, ...]:
    """Labels from the highest sales level down: K=3 gives three named tiers."""
    if k == 2:
        return ("fashion_forward", "value_conscious")
    middle = ("mainstream",) if k == 3 else tuple(f"mainstream_{i}" for i in range(1, k - 1))
    return ("fashion_forward", *middle, "value_conscious")


def _feature_matrix(
    stores: Sequence[StoreProfile],
) -> tuple[np.ndarray, tuple[str, ...], dict[str, int], tuple[str, ...]]:
    used: list[str] = []
    columns: list[np.ndarray] = []
    imputed: dict[str, int] = {}
    dropped: list[str] = []
    for name in CLUSTER_FEATURES:
        values = np.array(
            [np.nan if getattr(s, name) is None else float(getattr(s, name)) for s in stores]
        )
        present = ~np.isnan(values)
        if present.mean() < MIN_FEATURE_COVERAGE:
            dropped.append(name)
            continue
        if not present.all():
            imputed[name] = int((~present).sum())
            values[~present] = np.median(values[present])
        if np.ptp(values) == 0:
            dropped.append(name)  # a constant says nothing about which stores are alike
            continue
        used.append(name)
        columns.append(values)
    if not used:
        raise ClusteringError(
            "no store attribute varies across stores with values for at least half of them; "
            "upload store attributes before clustering"
        )
    return np.column_stack(columns), tuple(used), imputed, tuple(dropped)


def cluster_stores(
    stores: Sequence[StoreProfile],
    *,
    k: int | None,
    seed: int = DEFAULT_SEED,
) -> Clustering:
    """K-means with `k` clusters, or with the K of best silhouette (2..6) when `k` is None."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    if len(stores) < 3:
        raise ClusteringError(f"clustering needs at least 3 stores, got {len(stores)}")
    matrix, features, imputed, dropped = _feature_matrix(stores)
    scaled = StandardScaler().fit_transform(matrix)

    def fit(n_clusters: int) -> tuple[np.ndarray, float]:
        model = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit(scaled)
        labels = model.labels_
        if len(set(labels)) < 2:
            return labels, -1.0
        return labels, float(silhouette_score(scaled, labels))

    by_k: dict[int, float] = {}
    if k is None:
        candidates = [n for n in K_CANDIDATES if n < len(stores)]
        results = {n: fit(n) for n in candidates}
        by_k = {n: score for n, (_, score) in results.items()}
        k = max(candidates, key=lambda n: (by_k[n], -n))
        raw_labels, silhouette = results[k]
    else:
        if not 2 <= k < len(stores):
            raise ClusteringError(f"K must be between 2 and {len(stores) - 1}, got {k}")
        raw_labels, silhouette = fit(k)

    sales = np.array(
        [
            s.avg_weekly_sales_12mo if s.avg_weekly_sales_12mo is not None else s.category_units
            for s in stores
        ],
        dtype=float,
    )
    groups = sorted(set(raw_labels.tolist()))
    mean_by_group = {g: float(sales[raw_labels == g].mean()) for g in groups}
    ranked = sorted(groups, key=lambda g: -mean_by_group[g])
    names = cluster_labels(len(ranked))
    name_of = dict(zip(ranked, names, strict=True))
    return Clustering(
        k=len(ranked),
        labels=names,
        assignments={s.store_id: name_of[g] for s, g in zip(stores, raw_labels, strict=True)},
        silhouette=silhouette,
        features=features,
        imputed=imputed,
        dropped=dropped,
        mean_sales={name_of[g]: mean_by_group[g] for g in groups},
        seed=seed,
        silhouette_by_k=by_k,
    )
