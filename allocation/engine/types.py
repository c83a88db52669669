"""Plain data of the allocation engine. No Django imports."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StoreProfile:
    """What the engine knows of a store: attributes (None when unknown) and this category's
    history units (`category_units`, for shares)."""

    store_id: str
    avg_weekly_sales_12mo: float | None = None
    size_sqft: float | None = None
    median_income: float | None = None
    foot_traffic: float | None = None
    competitor_density: float | None = None
    online_penetration: float | None = None
    population_density: float | None = None
    location_tier: str | None = None  # A, B or C
    category_units: float = 0.0


# The store attributes a profile carries as numbers (named as on the store).
STORE_NUMBERS = (
    "avg_weekly_sales_12mo",
    "size_sqft",
    "median_income",
    "foot_traffic",
    "competitor_density",
    "online_penetration",
    "population_density",
)
CLUSTER_FEATURES = STORE_NUMBERS  # clustering may use each of them


@dataclass(frozen=True)
class Clustering:
    """K-means result: `assignments` maps store id to cluster label."""

    k: int
    labels: tuple[str, ...]  # highest mean sales first
    assignments: dict[str, str]
    silhouette: float
    features: tuple[str, ...]
    imputed: dict[str, int]  # feature -> stores whose missing value took the median
    dropped: tuple[str, ...]  # features present for too few stores
    mean_sales: dict[str, float]
    seed: int
    silhouette_by_k: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StoreLine:
    store_id: str
    cluster: str
    season_share: float  # of the category's store demand, 0-1
    floor_units: int  # two weeks of expected demand, given first when the total allows
    initial_units: int


@dataclass(frozen=True)
class ClusterLine:
    cluster: str
    share: float
    initial_units: int


@dataclass(frozen=True)
class AllocationPlan:
    """The manufacturing order and its split."""

    total_forecast: float
    safety_stock_pct: float
    manufacturing_qty: int
    dc_holdback_pct: float
    dc_holdback_units: int
    store_initial_units: int
    floors_applied: bool
    clusters: tuple[ClusterLine, ...]
    stores: tuple[StoreLine, ...]


@dataclass(frozen=True)
class ShipmentLine:
    store_id: str
    requested_units: int
    units: int
    is_partial: bool
    weeks_of_cover: float  # before this shipment
    from_store: str | None = None  # a transfer's source; None when from the DC


@dataclass(frozen=True)
class ReplenishmentPlan:
    """Shipments arriving before `week_number`'s sales, covering `period_weeks` weeks."""

    week_number: int
    period_weeks: int
    dc_available_before: int
    dc_available_after: int
    lines: tuple[ShipmentLine, ...]
    transfers: tuple[ShipmentLine, ...] = ()
    note: str = ""
    rationed: bool = False  # the DC held back stock the stores' targets asked for

    @property
    def shipped_units(self) -> int:
        return sum(line.units for line in self.lines)
