"""Writes of the shared app: importing stores and sales history, keeping the weekly totals
and the price evidence they are read from, and setting a category's economics.

Each import validates the whole file first (shared.imports), compares it with what the
database holds, then writes only new and changed rows in one transaction. Re-importing a
file therefore changes nothing, and a rejected file leaves the database untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.text import slugify

from shared.economics import Economics
from shared.imports import (
    ImportRejected,
    Problem,
    Source,
    check_history,
    check_store_attributes,
    read_csv,
    read_csv_chunks,
)
from shared.models import Category, HistoricalSale, Store, WeeklySale
from shared.selectors import EconomicsInvalid, category_economics

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Rows compared with the database and written at a time: big enough to be fast, small
# enough to bound the memory an import takes and to report progress.
_WRITE_CHUNK = 25_000


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


def stores_import(*, raw: Source, progress: Progress = _quiet) -> ImportSummary:
    """Creates or updates stores from a store attributes CSV.

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


def history_import(*, raw: Source, progress: Progress = _quiet) -> ImportSummary:
    """Imports a historical sales CSV (bytes, or a binary file: an upload stays on disk):
    new rows are inserted, rows whose quantity or revenue differ from the database are
    updated, identical rows are left alone.

    Categories are created from the file's `category` names (slug as id). Stores must exist.
    A units-only file (no `revenue` column) stores new rows without revenue and leaves the
    revenue of stored rows as it is. Memory stays within a few times the file's size: the file
    is checked in chunks into typed columns, then compared with the database and written a
    block of days at a time, rows meeting as one number each.
    """
    started = time.perf_counter()
    chunks = read_csv_chunks(raw, what="historical sales", max_bytes=settings.UPLOAD_MAX_BYTES)
    known_stores = set(Store.objects.values_list("id", flat=True))
    checked = check_history(
        _reported(chunks, progress), known_store_ids=known_stores, window=history_window()
    )
    progress("history: every row is valid")
    names = sorted(checked.frame["category"].cat.categories)
    slugs = _category_slugs(names)
    rows = _HistoryRows(checked.frame, slugs)
    warnings = checked.warnings
    del checked  # the rows hold what is written
    created = updated = compared = 0
    with transaction.atomic():
        for name, slug in slugs.items():
            Category.objects.get_or_create(slug=slug, defaults={"name": name})
        for block in rows.blocks():
            new, changed = rows.write(block)
            created, updated, compared = created + new, updated + changed, compared + len(block)
            progress(
                f"history: {compared:,} of {rows.count:,} rows compared with the database, "
                f"{created:,} inserted, {updated:,} updated"
            )
        for slug, inserted in rows.inserted_by_category().items():
            Category.objects.filter(slug=slug).update(
                history_row_count=F("history_row_count") + inserted
            )
        spans = rows.changed_spans()
        for slug, (first, last) in spans.items():
            weekly_sales_refresh(category_id=slug, first=first, last=last)
            category_history_price_refresh(category_id=slug)
        if spans:
            progress("history: weekly totals by store summed")

    summary = ImportSummary(
        rows=rows.count,
        created=created,
        updated=updated,
        unchanged=rows.count - created - updated,
        warnings=warnings,
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


def _reported(chunks: Iterable[pd.DataFrame], progress: Progress) -> Iterator[pd.DataFrame]:
    """The chunks, with a progress line every 100,000 rows and at the end."""
    read = reported = 0
    for chunk in chunks:
        yield chunk
        read += len(chunk)
        if read // 100_000 > reported // 100_000:
            progress(f"history: {read:,} rows read and checked")
            reported = read
    if read != reported:
        progress(f"history: {read:,} rows read and checked")


class _HistoryRows:
    """A checked history file as numbers, written against the stored rows a block at a time.

    Each row's key (day, store, category) is one int64, so the file meets the database without
    a string per row; the strings of a row are made only when it is written.
    """

    def __init__(self, clean: pd.DataFrame, slugs: dict[str, str]) -> None:
        self.count = len(clean)
        self.stores = pd.Index(clean["store_id"].cat.categories)
        self.slugs = pd.Index(sorted(set(slugs.values())))
        category_slugs = clean["category"].cat.categories.map(slugs)
        self.store_code = clean["store_id"].cat.codes.to_numpy()
        self.category_code = self.slugs.get_indexer(category_slugs).astype(np.int32)[
            clean["category"].cat.codes.to_numpy()
        ]
        self.day = clean["date"].to_numpy().astype("datetime64[D]").view(np.int64)
        self.quantity = clean["quantity_sold"].to_numpy()
        self.cents = np.rint(clean["revenue"].to_numpy(dtype=float) * 100)  # NaN: no revenue
        # Revenue is required where the column exists, so a file without it has none at all.
        self.units_only = bool(np.isnan(self.cents).all())
        self.key = self.key_of(self.day, self.store_code, self.category_code)
        self.table = HistoricalSale._meta.db_table
        self.changed = np.zeros(len(self.slugs), dtype=bool)  # by category code
        self.inserted = np.zeros(len(self.slugs), dtype=np.int64)  # by category code

    def key_of(self, days: np.ndarray, stores: np.ndarray, categories: np.ndarray) -> np.ndarray:
        key = days * len(self.stores)  # int64: a new array, then worked in place
        key += stores
        key *= len(self.slugs)
        key += categories
        return key

    def blocks(self) -> Iterator[np.ndarray]:
        """Row indexes in key order (so by day), _WRITE_CHUNK at a time."""
        order = np.argsort(self.key)
        for start in range(0, len(order), _WRITE_CHUNK):
            yield order[start : start + _WRITE_CHUNK]

    def write(self, block: np.ndarray) -> tuple[int, int]:
        """Inserts the block's new rows and updates its changed ones: (inserted, updated)."""
        stored = self._stored(int(self.day[block].min()), int(self.day[block].max()))
        position = pd.Index(stored["key"]).get_indexer(self.key[block])
        new = block[position < 0]
        held, at = block[position >= 0], position[position >= 0]
        old_cents = stored["cents"][at]
        cents = old_cents if self.units_only else self.cents[held]  # units only: revenue stays
        same_revenue = (cents == old_cents) | (np.isnan(cents) & np.isnan(old_cents))
        differs = (self.quantity[held] != stored["quantity"][at]) | ~same_revenue
        self.changed[self.category_code[new]] = True
        self.inserted += np.bincount(self.category_code[new], minlength=len(self.slugs))
        self.changed[self.category_code[held[differs]]] = True
        if len(new):
            self._insert(new)
        if differs.any():
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {self.table} SET quantity_sold = %s, revenue = %s WHERE id = %s",
                    list(
                        zip(
                            self.quantity[held[differs]].tolist(),
                            _money(cents[differs]),
                            stored["id"][at[differs]].tolist(),
                            strict=True,
                        )
                    ),
                )
        return len(new), int(differs.sum())

    def inserted_by_category(self) -> dict[str, int]:
        """Rows inserted so far by category slug (a category's stored rows grow by these; an
        update changes no count)."""
        counts = zip(self.slugs, self.inserted.tolist(), strict=True)
        return {str(slug): count for slug, count in counts}

    def changed_spans(self) -> dict[str, tuple[dt.date, dt.date]]:
        """The first and last day of the file's rows of each category that had a row inserted
        or updated: the weeks whose totals change."""
        epoch = np.datetime64("1970-01-01", "D")
        spans = {}
        for code in np.flatnonzero(self.changed):
            days = self.day[self.category_code == code]
            first, last = (epoch + int(days.min()), epoch + int(days.max()))
            spans[str(self.slugs[code])] = (first.item(), last.item())
        return spans

    def _stored(self, first: int, last: int) -> dict[str, np.ndarray]:
        """The stored rows of the file's categories from day `first` to `last` (days since
        1970), keyed as the file's rows are. A block may end inside a day; the next block reads
        that day again, which is harmless since a file row's key is unique."""
        epoch = dt.date(1970, 1, 1)
        frame = pd.DataFrame.from_records(
            HistoricalSale.objects.filter(
                category_id__in=list(self.slugs),
                date__gte=epoch + dt.timedelta(days=first),
                date__lte=epoch + dt.timedelta(days=last),
            ).values_list("id", "date", "store_id", "category_id", "quantity_sold", "revenue"),
            columns=["id", "date", "store_id", "category_id", "quantity", "revenue"],
        )
        return {
            "id": frame["id"].to_numpy(np.int64),
            "key": self.key_of(
                pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]").astype(np.int64),
                self.stores.get_indexer(frame["store_id"]),
                self.slugs.get_indexer(frame["category_id"]),
            ),
            "quantity": frame["quantity"].to_numpy(np.int64),
            "cents": np.rint(frame["revenue"].astype(float).to_numpy() * 100),
        }

    def _insert(self, rows: np.ndarray) -> None:
        columns = "date, store_id, category_id, quantity_sold, revenue"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY of CSV that Arrow writes from the columns (stores and categories as
                # dictionaries, money as exact 2-decimal numbers, no revenue as an empty field).
                table = pa.table(
                    {
                        "date": pa.array(self.day[rows].astype("datetime64[D]")),
                        "store_id": pa.DictionaryArray.from_arrays(
                            self.store_code[rows].astype(np.int32), pa.array(self.stores)
                        ),
                        "category_id": pa.DictionaryArray.from_arrays(
                            self.category_code[rows], pa.array(self.slugs)
                        ),
                        "quantity_sold": self.quantity[rows],
                        "revenue": pa.array(self.cents[rows] / 100, from_pandas=True).cast(
                            pa.decimal128(14, 2)
                        ),
                    }
                )
                text = pa.BufferOutputStream()
                pa_csv.write_csv(table, text, pa_csv.WriteOptions(include_header=False))
                with cursor.cursor.copy(
                    f"COPY {self.table} ({columns}) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(text.getvalue())
            else:
                days = (np.datetime64("1970-01-01") + self.day[rows]).astype(str)
                stores = np.asarray(self.stores)[self.store_code[rows]]
                categories = np.asarray(self.slugs)[self.category_code[rows]]
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES (%s, %s, %s, %s, %s)",
                    list(
                        zip(
                            days.tolist(),
                            stores.tolist(),
                            categories.tolist(),
                            self.quantity[rows].tolist(),
                            _money(self.cents[rows]),
                            strict=True,
                        )
                    ),
                )


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


def _money(cents: np.ndarray) -> list[Decimal | None]:
    return [None if np.isnan(value) else Decimal(int(value)).scaleb(-2) for value in cents]


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


# The Monday of a history row's date, per engine (the weekly table's week_start).
_MONDAY = {
    "postgresql": "(date - (EXTRACT(ISODOW FROM date)::int - 1))",
    "sqlite": "date(date, '-' || ((CAST(strftime('%w', date) AS INTEGER) + 6) % 7) || ' days')",
}


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_sales_refresh(*, category_id: str, first: dt.date, last: dt.date) -> None:
    """Sums the category's history of the weeks from `first`'s to `last`'s into the weekly
    table again (two statements in the database, whatever the number of rows); the caller's
    transaction keeps the table and the history in step."""
    start, end = monday_of(first), monday_of(last) + dt.timedelta(days=6)
    weekly, daily = WeeklySale._meta.db_table, HistoricalSale._meta.db_table
    monday = _MONDAY[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {weekly} WHERE category_id = %s AND week_start BETWEEN %s AND %s",
            [category_id, start, end],
        )
        cursor.execute(
            f"INSERT INTO {weekly} (category_id, store_id, week_start, units, revenue, days) "
            f"SELECT category_id, store_id, {monday}, SUM(quantity_sold), SUM(revenue), "
            f"COUNT(*) FROM {daily} WHERE category_id = %s AND date BETWEEN %s AND %s "
            f"GROUP BY category_id, store_id, {monday}",
            [category_id, start, end],
        )


def category_history_price_refresh(*, category_id: str) -> None:
    """Sums the revenue and units of the category's history rows that carry revenue onto the
    category (the evidence its default price is derived from); the history import calls it
    for each category it changed, in its transaction."""
    totals = HistoricalSale.objects.filter(
        category_id=category_id, revenue__isnull=False
    ).aggregate(revenue=Sum("revenue"), units=Sum("quantity_sold"))
    Category.objects.filter(pk=category_id).update(
        history_revenue=totals["revenue"], history_priced_units=totals["units"] or 0
    )
