"""Use cases of the planner core that write: importing stores and sales history.

Each import validates the whole file first (planner.data.imports), compares it with what the
database holds, then writes only new and changed rows in one transaction. Re-importing a
file therefore changes nothing, and a rejected file leaves the database untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from planner.data.imports import (
    ImportRejected,
    Problem,
    check_history,
    check_store_attributes,
    read_csv,
)
from planner.engine.economics import Economics
from planner.models import Category, HistoricalSale, Store
from planner.selectors import EconomicsInvalid, category_economics

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Rows per executemany call: big enough to be fast, small enough to report progress.
_WRITE_CHUNK = 50_000


@dataclass
class ImportSummary:
    """What an import did. `unchanged` rows were already in the database as in the file."""

    rows: int
    created: int
    updated: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    duration_seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _quiet(_: str) -> None:
    return None


def _executemany(sql: str, rows: list[tuple], progress: Progress, label: str) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _WRITE_CHUNK):
            cursor.executemany(sql, rows[start : start + _WRITE_CHUNK])
            done = min(start + _WRITE_CHUNK, len(rows))
            progress(f"{label}: {done:,} of {len(rows):,} rows written")


def _copy_rows(table: str, frame: pd.DataFrame, progress: Progress, label: str) -> None:
    """PostgreSQL's COPY for bulk inserts: the frame is rendered to CSV by pandas in chunks
    (money with two decimals) and streamed; several times faster than INSERTs."""
    columns = ", ".join(frame.columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        for start in range(0, len(frame), _WRITE_CHUNK):
            chunk = frame.iloc[start : start + _WRITE_CHUNK]
            copy.write(chunk.to_csv(index=False, header=False, float_format="%.2f"))
            done = min(start + _WRITE_CHUNK, len(frame))
            progress(f"{label}: {done:,} of {len(frame):,} rows written")


def stores_import(*, raw: bytes, progress: Progress = _quiet) -> ImportSummary:
    """Creates or updates stores from a store attributes CSV (SPEC.md section 6).

    The file is authoritative for the columns it has: an empty cell clears that attribute,
    an absent column leaves it as it was. A new store without `store_name` is named by its id.
    """
    started = time.perf_counter()
    frame = read_csv(raw, what="store attributes", max_bytes=settings.UPLOAD_MAX_BYTES)
    checked = check_store_attributes(frame)
    clean = checked.frame.rename(columns={"store_size_sqft": "size_sqft", "store_name": "name"})
    attributes = [name for name in clean.columns if name != "store_id"]

    existing = Store.objects.in_bulk(clean["store_id"].tolist())
    to_create: list[Store] = []
    to_update: list[Store] = []
    for record in clean.to_dict("records"):
        values = {name: _python_value(name, record[name]) for name in attributes}
        if values.get("name") in (None, ""):
            values.pop("name", None)
        for name in ("store_format", "region", "location_tier", "fashion_tier"):
            if name in values and values[name] is None:
                values[name] = ""
        store = existing.get(record["store_id"])
        if store is None:
            values.setdefault("name", record["store_id"])
            to_create.append(Store(id=record["store_id"], **values))
        elif any(getattr(store, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(store, name, value)
            to_update.append(store)

    with transaction.atomic():
        Store.objects.bulk_create(to_create)
        if to_update:
            Store.objects.bulk_update(to_update, attributes)
    progress(f"stores: {len(to_create)} created, {len(to_update)} updated")
    return ImportSummary(
        rows=len(clean),
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(clean) - len(to_create) - len(to_update),
        warnings=checked.warnings,
        duration_seconds=round(time.perf_counter() - started, 3),
    )


def _python_value(name: str, value: object) -> object:
    """pandas cell -> model field value: NaN/None to None, money to Decimal, floats to int."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if name == "avg_weekly_sales_12mo":
        return Decimal(f"{value:.2f}")
    if name in ("size_sqft", "median_income", "foot_traffic", "population_density"):
        return int(value)  # type: ignore[call-overload]
    if name in ("competitor_density", "online_penetration"):
        return float(value)  # type: ignore[arg-type]
    return value


def history_window() -> tuple[dt.date, dt.date]:
    """The dates history may carry: from HISTORY_WINDOW_YEARS years ago to today."""
    today = timezone.localdate()
    return today.replace(year=today.year - settings.HISTORY_WINDOW_YEARS, day=1), today


def history_import(*, raw: bytes, progress: Progress = _quiet) -> ImportSummary:
    """Imports a historical sales CSV: new rows are inserted, rows whose quantity or revenue
    differ from the database are updated, identical rows are left alone.

    Categories are created from the file's `category` names (slug as id). Stores must exist.
    A units-only file (no `revenue` column) stores new rows without revenue and leaves the
    revenue of stored rows as it is.
    """
    started = time.perf_counter()
    frame = read_csv(raw, what="historical sales", max_bytes=settings.UPLOAD_MAX_BYTES)
    progress(f"history: read {len(frame):,} rows")
    known_stores = set(Store.objects.values_list("id", flat=True))
    checked = check_history(frame, known_store_ids=known_stores, window=history_window())
    clean = checked.frame
    progress("history: every row is valid")

    names = sorted(clean["category"].unique())
    slugs = _category_slugs(names)
    clean["category_id"] = clean["category"].map(slugs)
    clean["day"] = clean["date"].dt.strftime("%Y-%m-%d")
    has_revenue = "revenue" in frame.columns
    clean["cents"] = np.rint(clean["revenue"].to_numpy(dtype=float) * 100)  # NaN: no revenue

    with transaction.atomic():
        for name, slug in slugs.items():
            Category.objects.get_or_create(slug=slug, defaults={"name": name})
        merged = _compare_with_database(clean, list(slugs.values()))
        new = merged[merged["id"].isna()]
        if not has_revenue:
            merged["cents"] = merged["old_cents"]  # units only: stored revenue stays
        same_revenue = (merged["cents"] == merged["old_cents"]) | (
            merged["cents"].isna() & merged["old_cents"].isna()
        )
        changed = merged[
            merged["id"].notna()
            & ((merged["quantity_sold"] != merged["old_quantity"]) | ~same_revenue)
        ]
        table = HistoricalSale._meta.db_table
        if len(new) and connection.vendor == "postgresql":
            _copy_rows(
                table,
                pd.DataFrame(
                    {
                        "date": new["day"],
                        "store_id": new["store_id"],
                        "category_id": new["category_id"],
                        "quantity_sold": new["quantity_sold"].astype(int),
                        "revenue": new["cents"] / 100,
                    }
                ),
                progress,
                "history",
            )
        elif len(new):
            _executemany(
                f"INSERT INTO {table} (date, store_id, category_id, quantity_sold, revenue) "
                "VALUES (%s, %s, %s, %s, %s)",
                list(
                    zip(
                        new["day"],
                        new["store_id"],
                        new["category_id"],
                        new["quantity_sold"].astype(int).tolist(),
                        _money(new["cents"]),
                        strict=True,
                    )
                ),
                progress,
                "history",
            )
        if len(changed):
            _executemany(
                f"UPDATE {table} SET quantity_sold = %s, revenue = %s WHERE id = %s",
                list(
                    zip(
                        changed["quantity_sold"].astype(int).tolist(),
                        _money(changed["cents"]),
                        changed["id"].astype(int).tolist(),
                        strict=True,
                    )
                ),
                progress,
                "history updates",
            )
        _refresh_category_counts(list(slugs.values()))

    summary = ImportSummary(
        rows=len(clean),
        created=len(new),
        updated=len(changed),
        unchanged=len(clean) - len(new) - len(changed),
        warnings=checked.warnings,
        categories=names,
        duration_seconds=round(time.perf_counter() - started, 3),
    )
    logger.info(
        "history import: %d rows, %d created, %d updated, %d unchanged in %.2f s",
        summary.rows,
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.duration_seconds,
    )
    return summary


def _category_slugs(names: list[str]) -> dict[str, str]:
    """Maps each category name to its slug, reusing an existing category's slug.

    Two different names that make the same slug would merge silently, so they are rejected.
    """
    existing = dict(Category.objects.values_list("name", "slug"))
    slugs = {name: existing.get(name) or slugify(name) for name in names}
    problems = [
        Problem(
            message=f"'{name}' is the same category as '{other}' (slug '{slug}')",
            column="category",
            value=name,
        )
        for i, (name, slug) in enumerate(slugs.items())
        for other, other_slug in list(slugs.items())[:i]
        if slug == other_slug
    ]
    taken = dict(Category.objects.filter(slug__in=slugs.values()).values_list("slug", "name"))
    problems += [
        Problem(
            message=f"its slug '{slug}' belongs to the existing category '{taken[slug]}'",
            column="category",
            value=name,
        )
        for name, slug in slugs.items()
        if slug in taken and taken[slug] != name
    ]
    problems += [
        Problem(
            message="a category name needs at least one letter or digit",
            column="category",
            value=name,
        )
        for name, slug in slugs.items()
        if not slug
    ]
    if problems:
        raise ImportRejected(
            "The historical sales file names categories that cannot be told apart; "
            "nothing was imported.",
            problems,
        )
    return slugs


def _compare_with_database(clean: pd.DataFrame, category_ids: list[str]) -> pd.DataFrame:
    """Left-joins the file's rows to the stored rows of the same categories and dates."""
    stored = HistoricalSale.objects.filter(
        category_id__in=category_ids,
        date__gte=clean["date"].min().date(),
        date__lte=clean["date"].max().date(),
    ).values_list("id", "date", "store_id", "category_id", "quantity_sold", "revenue")
    existing = pd.DataFrame.from_records(
        list(stored),
        columns=["id", "date", "store_id", "category_id", "old_quantity", "old_revenue"],
    )
    if existing.empty:
        existing = existing.assign(old_cents=pd.Series(dtype="float64"))
    else:
        existing["old_cents"] = np.rint(existing["old_revenue"].astype(float) * 100)
    existing["day"] = pd.to_datetime(existing["date"]).dt.strftime("%Y-%m-%d")
    return clean.merge(
        existing[["id", "day", "store_id", "category_id", "old_quantity", "old_cents"]],
        on=["day", "store_id", "category_id"],
        how="left",
    )


def _money(cents: pd.Series) -> list[Decimal | None]:
    return [None if pd.isna(value) else Decimal(int(value)).scaleb(-2) for value in cents]


def _refresh_category_counts(category_ids: list[str]) -> None:
    counts = dict(
        HistoricalSale.objects.filter(category_id__in=category_ids)
        .values("category_id")
        .annotate(rows=Count("id"))
        .values_list("category_id", "rows")
    )
    for slug in category_ids:
        Category.objects.filter(slug=slug).update(history_row_count=counts.get(slug, 0))


def category_economics_set(
    *,
    category_id: str,
    price: Decimal | None,
    unit_cost: Decimal | None,
    salvage_value: Decimal | None,
    shipment_cost: Decimal,
) -> Economics:
    """Sets a category's economics (None: the default) and returns them as the what-if will
    use them. Values that do not make sense together (a price at or below the cost, a salvage
    value at or above it) raise ValueError and nothing is saved."""
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category_id)
        category.price = price
        category.unit_cost = unit_cost
        category.salvage_value = salvage_value
        category.shipment_cost = shipment_cost
        category.save(update_fields=["price", "unit_cost", "salvage_value", "shipment_cost"])
        try:
            return category_economics(category_id)
        except EconomicsInvalid as invalid:
            raise ValueError(invalid.problem) from None  # rolls the save back
