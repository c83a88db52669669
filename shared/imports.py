"""Parsing and validation of the CSV files. No Django imports.

A file is checked whole: every problem is collected (row, column, value, message) and the
file is rejected if there is any, so the caller never writes half a file. The file is read as
a stream and checked in chunks of rows (vectorised with pandas), keeping only typed columns,
so a file of a million rows costs less memory than its own size on top of one chunk.
Row numbers are file line numbers: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

# A bad file can have a problem on every row; the response lists this many and counts all.
MAX_LISTED_PROBLEMS = 1000

HISTORY_COLUMNS = ("date", "store_id", "category", "quantity_sold", "revenue")  # revenue optional
UNITS_ONLY_NOTE = (
    "no 'revenue' column: units only (prices come from the category settings, not history)"
)
STORE_COLUMNS = (
    "store_id",
    "avg_weekly_sales_12mo",
    "store_size_sqft",
    "median_income",
    "location_tier",
    "fashion_tier",
    "store_format",
    "region",
    "foot_traffic",
    "competitor_density",
    "online_penetration",
    "population_density",
    "mall_location",
)
# Not in the documented header but used when present; any other extra column is ignored.
STORE_OPTIONAL_EXTRAS = ("store_name",)

LOCATION_TIERS = ("A", "B", "C")
FASHION_TIERS = ("Premium", "Mainstream", "Value")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_STORE_ID = re.compile(r"^[A-Za-z0-9_-]{1,20}$")

# The range every number may take: what its database column holds and what a season can mean
# (a row of 2^40 units once made a forecast run for 700 s). A value outside is a problem named
# by row and column with this range; `test_every_limit_fits_the_database_column...` checks
# each against its column.
MAX_UNITS = 1_000_000  # one row of history, or one store's week
MAX_MONEY = 9_999_999_999.99  # DecimalField(max_digits=12, decimal_places=2)
NUMBER_LIMITS: dict[str, tuple[float, float]] = {
    "quantity_sold": (0, MAX_UNITS),
    "units_sold": (0, MAX_UNITS),
    "revenue": (0, MAX_MONEY),
    "avg_weekly_sales_12mo": (0, MAX_MONEY),
    "store_size_sqft": (1, 10_000_000),
    "median_income": (0, 100_000_000),
    "foot_traffic": (0, 100_000_000),
    "population_density": (0, 1_000_000),
    "competitor_density": (0, 10_000),
    "online_penetration": (0, 1),
}


def _range_text(column: str) -> str:
    low, high = NUMBER_LIMITS[column]

    def shown(value: float) -> str:
        return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"

    return f"must be {shown(low)} to {shown(high)}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. `row` is the file line (None for the file as a whole)."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class ImportRejected(Exception):
    """The file is rejected whole; nothing was written."""

    def __init__(
        self, message: str, problems: list[Problem], status: int = 400, total: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems
        self.status = status
        self._total = total

    @property
    def total(self) -> int:
        """Every problem found; `problems` may hold only the first of them."""
        return len(self.problems) if self._total is None else self._total

    @property
    def listed(self) -> list[Problem]:
        return self.problems[:MAX_LISTED_PROBLEMS]


@dataclass
class Checked:
    """A validated file: typed columns, plus warnings that did not stop the import."""

    frame: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


class _Collector:
    """Problems of one file in bounded memory whatever the file: the first
    MAX_LISTED_PROBLEMS in file order are kept, the rest only counted. Checks run chunk by
    chunk in file order; `frame` is the chunk being checked (its index is the data row)."""

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        self.frame = pd.DataFrame() if frame is None else frame
        self.problems: list[Problem] = []
        self.unlisted = 0

    @property
    def count(self) -> int:
        return len(self.problems) + self.unlisted

    def add_file(self, message: str, column: str | None = None) -> None:
        self.problems.append(Problem(message=message, column=column))

    def add_one(self, problem: Problem) -> None:
        self.add_listed([problem], 1)

    def add_rows(self, mask: pd.Series, column: str, message: str) -> None:
        """Adds a problem for each row where `mask` is true (the first ones listed)."""
        count = int(mask.sum())
        if not count:
            return
        values = self.frame.loc[mask, column].head(MAX_LISTED_PROBLEMS)
        self.add_listed(
            (
                Problem(message=message, row=int(i) + 2, column=column, value=str(v))
                for i, v in values.items()
            ),
            count,
        )

    def add_listed(self, problems: Iterable[Problem], count: int) -> None:
        """`count` problems of one check, of which `problems` are the first in file order."""
        listed = list(itertools.islice(problems, MAX_LISTED_PROBLEMS))
        self.problems.extend(listed)
        self.unlisted += count - len(listed)
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            self._keep_first()

    def _keep_first(self) -> None:
        # File order, so a person can walk the file top to bottom; a problem cut here has
        # MAX_LISTED_PROBLEMS before it, and every later chunk's rows come after it.
        self.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        self.unlisted += len(self.problems[MAX_LISTED_PROBLEMS:])
        del self.problems[MAX_LISTED_PROBLEMS:]

    def raise_if_any(self, what: str) -> None:
        if self.problems:
            self._keep_first()
            count = self.count
            noun = "problem" if count == 1 else "problems"
            raise ImportRejected(
                f"The {what} file was rejected with {count:,} {noun}; nothing was imported.",
                self.problems,
                total=count,
            )


Source = bytes | BinaryIO

# pandas holds the text of the chunks read in Arrow memory. Arrow's default allocator
# (mimalloc) keeps the pages of chunks already freed: checking a file then held about 2.9 times
# its size at the peak, against 2.7 with the system allocator, which gives them back. Set for
# the process, as Arrow allows.
pa.set_memory_pool(pa.system_memory_pool())

# Rows parsed and checked at a time: a history file of a million rows never sits in memory as
# strings, only as typed columns (about 30 bytes a row, less than its text).
CHUNK_ROWS = 10_000


def reject_if_too_large(size: int, *, what: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportRejected(
            f"The {what} file is {size:,} bytes; the limit is {max_bytes:,} bytes.",
            [Problem(message=f"file larger than {max_bytes:,} bytes")],
            status=413,
        )


def read_csv(raw: Source, *, what: str, max_bytes: int) -> pd.DataFrame:
    """The whole file as one frame of stripped strings (nothing converted): for files of one
    row per store. See `read_csv_chunks` for what is rejected."""
    return pd.concat(read_csv_chunks(raw, what=what, max_bytes=max_bytes))


def read_csv_chunks(
    raw: Source, *, what: str, max_bytes: int, rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """Parses a CSV upload (bytes, or a binary file such as an uploaded temporary file) into
    frames of at most `rows` stripped strings, indexed by data row (0 is file line 2).

    The file is first read once as a stream, whatever its size: rejected are a file over
    `max_bytes`, binary or non-UTF-8 content, an empty file, a header that repeats a column
    and rows with more or fewer fields than the header. A header with no data rows is rejected
    when the frames are read.
    """
    stream = io.BytesIO(raw) if isinstance(raw, bytes) else raw
    size = stream.seek(0, io.SEEK_END)
    reject_if_too_large(size, what=what, max_bytes=max_bytes)
    stream.seek(0)
    header = _scan(stream, what)
    stream.seek(0)
    return _frames(stream, header, what, rows)


def _scan(stream: BinaryIO, what: str) -> list[str]:
    """One pass over the file's lines, holding one at a time: returns the header.

    A row with more or fewer fields than the header is a problem named by its line: read
    silently, it shifted values into the wrong columns or cleared attributes the file never
    meant to touch."""
    if b"\x00" in stream.read(8192):
        raise ImportRejected(
            f"The {what} file is not a CSV text file (it contains binary data).",
            [Problem(message="binary content; expected comma-separated text")],
        )
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        content = any(chunk.strip() for chunk in iter(lambda: text.read(1 << 16), ""))
        text.seek(0)
        reader = csv.reader(text)
        ragged = _Collector()
        header = [name.strip() for name in next(reader, [])]
        for fields in reader:
            if fields and len(fields) != len(header):
                ragged.add_one(
                    Problem(
                        message=f"has {len(fields)} fields; the header has {len(header)}",
                        row=reader.line_num,
                    )
                )
    except UnicodeDecodeError:
        stream.seek(0)
        raise _not_utf8(stream, what) from None
    except csv.Error as exc:
        raise ImportRejected(
            f"The {what} file is not valid CSV: {exc}",
            [Problem(message=f"not parseable as CSV: {exc}")],
        ) from None
    finally:
        text.detach()  # the caller reads the stream again
    if not content:
        raise ImportRejected(
            f"The {what} file is empty.", [Problem(message="the file has no content")]
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ImportRejected(
            "The file's header repeats column(s): " + ", ".join(repeated) + ".",
            [Problem(message="column appears more than once", column=name) for name in repeated],
        )
    if ragged.count:
        raise ImportRejected(
            f"{ragged.count:,} row(s) have a different number of fields than the header.",
            ragged.problems,
            total=ragged.count,
        )
    return header


def _not_utf8(stream: BinaryIO, what: str) -> ImportRejected:
    """The rejection of a file that is not UTF-8, naming the first byte that is not (found
    line by line: the decoder reading the file whole only knows its place in a buffer)."""
    offset = 0
    for number, line in enumerate(stream):
        try:
            line.decode("utf-8-sig" if number == 0 else "utf-8")
        except UnicodeDecodeError as exc:
            offset += exc.start
            break
        offset += len(line)
    return ImportRejected(
        f"The {what} file is not UTF-8 text; save it as CSV (UTF-8).",
        [Problem(message=f"byte {offset} is not valid UTF-8")],
    )


def _frames(stream: BinaryIO, header: list[str], what: str, rows: int) -> Iterator[pd.DataFrame]:
    reader = pd.read_csv(
        stream,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        encoding="utf-8-sig",
        chunksize=rows,
    )
    empty = True
    try:
        for frame in reader:
            if frame.empty:
                continue
            empty = False
            frame.columns = header
            yield frame.apply(lambda column: column.str.strip())
    except pd.errors.ParserError as exc:
        raise ImportRejected(
            f"The {what} file is not valid CSV: {exc}",
            [Problem(message=f"not parseable as CSV: {exc}")],
        ) from None
    if empty:
        raise ImportRejected(
            f"The {what} file has a header but no data rows.",
            [Problem(message="no data rows after the header", row=2)],
        )


def _check_columns(
    frame: pd.DataFrame, problems: _Collector, required: Iterable[str], known: Iterable[str]
) -> list[str]:
    """Missing required columns are problems; unknown columns come back as warnings."""
    missing = [name for name in required if name not in frame.columns]
    for name in missing:
        problems.add_file(f"required column '{name}' is missing", column=name)
    known_set = set(known)
    return [
        f"column '{name}' is not used and was ignored"
        for name in frame.columns
        if name not in known_set
    ]


def _empty(series: pd.Series) -> pd.Series:
    return series == ""


def _is_calendar_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _dates_in(
    frame: pd.DataFrame, problems: _Collector, column: str, window: tuple[dt.date, dt.date]
) -> pd.Series:
    """The column as datetime64; empty, malformed and out-of-window dates are problems (a
    date pandas cannot hold, such as 0001-01-01, is out of the window, not malformed)."""
    raw = frame[column]
    first, last = window
    parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    empty = _empty(raw)
    problems.add_rows(empty, column, "a value is required")
    unparsed = ~empty & parsed.isna()
    real = pd.Series(False, index=raw.index)
    if unparsed.any():
        real[unparsed] = [_is_calendar_date(text) for text in raw[unparsed]]
    problems.add_rows(unparsed & ~real, column, "not a date in the form YYYY-MM-DD")
    outside = (unparsed & real) | (
        parsed.notna() & ((parsed < pd.Timestamp(first)) | (parsed > pd.Timestamp(last)))
    )
    problems.add_rows(outside, column, f"must be from {first} to {last}")
    return parsed


def _numbers(frame: pd.DataFrame, problems: _Collector, column: str, required: bool) -> pd.Series:
    """The column as floats; empty, unreadable, infinite and out-of-range cells are problems
    (NUMBER_LIMITS). Problem cells come back as NaN, so nothing downstream meets them."""
    raw = frame[column]
    numbers = pd.to_numeric(raw, errors="coerce").astype(float)
    empty = _empty(raw)
    if required:
        problems.add_rows(empty, column, "a value is required")
    unreadable = ~empty & ~np.isfinite(numbers)
    problems.add_rows(unreadable, column, "not a number")
    low, high = NUMBER_LIMITS[column]
    outside = np.isfinite(numbers) & ((numbers < low) | (numbers > high))
    problems.add_rows(outside, column, _range_text(column))
    return numbers.where(~(unreadable | outside))


def _whole_numbers(
    frame: pd.DataFrame, problems: _Collector, column: str, *, required: bool
) -> pd.Series:
    numbers = _numbers(frame, problems, column, required)
    fractional = numbers.notna() & (numbers != np.floor(numbers))
    problems.add_rows(fractional, column, "must be a whole number")
    return numbers


def _decimals(
    frame: pd.DataFrame, problems: _Collector, column: str, *, required: bool
) -> pd.Series:
    return _numbers(frame, problems, column, required)


def check_history(
    frames: Iterable[pd.DataFrame],
    *,
    known_store_ids: set[str],
    window: tuple[dt.date, dt.date],
) -> Checked:
    """Validates a historical sales file, chunk by chunk (`read_csv_chunks`):
    `date,store_id,category,quantity_sold[,revenue]`. Dates must lie in `window` (first and
    last day: around today, from the settings).

    Returns compact typed columns: date (datetime64), store_id and category (categorical),
    quantity_sold (int64), revenue (float, cents rounded; NaN throughout for a units-only
    file, which many point-of-sale exports are). Unknown stores are problems: import stores
    first.
    """
    problems = _Collector()
    stores_type = pd.CategoricalDtype(sorted(known_store_ids))
    warnings: list[str] | None = None
    parts: list[pd.DataFrame] = []
    for frame in frames:
        if warnings is None:
            warnings = _check_columns(frame, problems, HISTORY_COLUMNS[:-1], HISTORY_COLUMNS)
            problems.raise_if_any("historical sales")
            if "revenue" not in frame.columns:
                warnings.append(UNITS_ONLY_NOTE)
        problems.frame = frame
        parts.append(_history_rows(frame, problems, stores_type, window))
    if warnings is None:  # no frames: read_csv_chunks rejects a file without rows first
        raise ImportRejected(
            "The historical sales file has no data rows.",
            [Problem(message="no data rows after the header", row=2)],
        )
    # Column by column, each chunk's copy freed as it is joined.
    columns: dict[str, pd.Series] = {
        name: pd.concat([part.pop(name) for part in parts], ignore_index=True)
        for name in ("date", "store_id", "quantity_sold", "revenue")
    }
    columns["category"] = pd.Series(union_categoricals([part.pop("category") for part in parts]))
    repeated, first = _repeated_rows(columns["date"], columns["store_id"], columns["category"])
    problems.add_listed(
        (
            Problem(
                message=f"repeats the date, store and category of row {first_row + 2}",
                row=row + 2,
                column="date",
                value=columns["date"].iat[row].strftime("%Y-%m-%d"),
            )
            for row, first_row in zip(repeated.tolist(), first.tolist(), strict=True)
        ),
        len(repeated),
    )
    problems.raise_if_any("historical sales")
    columns["quantity_sold"] = columns["quantity_sold"].astype("int64")
    clean = pd.DataFrame({name: columns[name] for name in HISTORY_COLUMNS}, copy=False)
    return Checked(clean, warnings)


def _repeated_rows(
    dates: pd.Series, stores: pd.Series, categories: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose date, store and category an earlier row has, with that earlier row (data
    row indexes), in file order. One int64 key a row, sorted: no hash of strings."""
    store, category = stores.cat.codes.to_numpy(), categories.cat.codes.to_numpy()
    invalid = np.flatnonzero((store < 0) | (category < 0) | dates.isna().to_numpy())
    key = dates.to_numpy().astype("datetime64[D]").view(np.int64)  # days since 1970
    key *= len(stores.cat.categories)
    key += store
    key *= len(categories.cat.categories)
    key += category
    key[invalid] = -1 - invalid  # a row with a missing part repeats nothing
    order = np.argsort(key, kind="stable")  # stable: equal keys keep file order
    key.sort()  # the same values as key[order], without a second array
    repeats = np.flatnonzero(key[1:] == key[:-1]) + 1
    rows, first = order[repeats], order[np.searchsorted(key, key[repeats])]
    in_file_order = np.argsort(rows)
    return rows[in_file_order], first[in_file_order]


def _history_rows(
    frame: pd.DataFrame,
    problems: _Collector,
    stores_type: pd.CategoricalDtype,
    window: tuple[dt.date, dt.date],
) -> pd.DataFrame:
    """One chunk's rows checked and typed (problem cells empty)."""
    dates = _dates_in(frame, problems, "date", window)
    stores = frame["store_id"]
    known = pd.Series(  # unknown stores: missing
        pd.Categorical.from_codes(stores_type.categories.get_indexer(stores), dtype=stores_type),
        index=stores.index,
    )
    problems.add_rows(_empty(stores), "store_id", "a value is required")
    problems.add_rows(
        ~_empty(stores) & known.isna(),
        "store_id",
        "unknown store; import the store attributes file first",
    )
    categories = frame["category"]
    problems.add_rows(_empty(categories), "category", "a value is required")
    problems.add_rows(categories.str.len() > 120, "category", "longer than 120 characters")
    quantities = _whole_numbers(frame, problems, "quantity_sold", required=True)
    revenue = (
        _decimals(frame, problems, "revenue", required=True)
        if "revenue" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    return pd.DataFrame(
        {
            "date": dates,
            "store_id": known,
            "category": categories.where(~_empty(categories)).astype("category"),
            "quantity_sold": quantities,
            "revenue": revenue.round(2),
        }
    )


def check_store_attributes(frame: pd.DataFrame) -> Checked:
    """Validates a store attributes file. Only `store_id` is required;
    missing attributes (absent columns or empty cells) are allowed and reported as warnings.

    Returns one row per store with typed values; absent columns are not in the frame, so the
    caller leaves those attributes as they are.
    """
    problems = _Collector(frame)
    warnings = _check_columns(frame, problems, ("store_id",), STORE_COLUMNS + STORE_OPTIONAL_EXTRAS)
    problems.raise_if_any("store attributes")
    absent = [name for name in STORE_COLUMNS if name not in frame.columns]
    if absent:
        warnings.append("columns not in the file, left as they were: " + ", ".join(absent))

    ids = frame["store_id"]
    problems.add_rows(_empty(ids), "store_id", "a value is required")
    problems.add_rows(
        ~_empty(ids) & ~ids.str.match(_STORE_ID),
        "store_id",
        "use up to 20 letters, digits, '-' or '_'",
    )
    repeated = ~_empty(ids) & ids.duplicated(keep="first")
    problems.add_rows(repeated, "store_id", "store listed more than once")

    clean = pd.DataFrame({"store_id": ids})
    for name in ("store_size_sqft", "median_income", "foot_traffic", "population_density"):
        if name in frame.columns:
            clean[name] = _whole_numbers(frame, problems, name, required=False)
    if "avg_weekly_sales_12mo" in frame.columns:
        clean["avg_weekly_sales_12mo"] = _decimals(
            frame, problems, "avg_weekly_sales_12mo", required=False
        ).round(2)
    if "competitor_density" in frame.columns:
        clean["competitor_density"] = _decimals(
            frame, problems, "competitor_density", required=False
        )
    if "online_penetration" in frame.columns:
        clean["online_penetration"] = _decimals(
            frame, problems, "online_penetration", required=False
        )
    for name, allowed in (("location_tier", LOCATION_TIERS), ("fashion_tier", FASHION_TIERS)):
        if name in frame.columns:
            by_lower = {value.lower(): value for value in allowed}
            lowered = frame[name].str.lower()
            problems.add_rows(
                ~_empty(frame[name]) & ~lowered.isin(by_lower),
                name,
                "must be one of " + ", ".join(allowed),
            )
            clean[name] = lowered.map(by_lower)
    if "mall_location" in frame.columns:
        lowered = frame["mall_location"].str.lower()
        problems.add_rows(
            ~_empty(lowered) & ~lowered.isin(_TRUE | _FALSE),
            "mall_location",
            "must be true or false (also yes/no, 1/0)",
        )
        clean["mall_location"] = lowered.map(
            lambda value: True if value in _TRUE else False if value in _FALSE else None
        )
    for name, limit in (("store_format", 40), ("region", 60), ("store_name", 120)):
        if name in frame.columns:
            problems.add_rows(
                frame[name].str.len() > limit, name, f"longer than {limit} characters"
            )
            clean[name] = frame[name]
    problems.raise_if_any("store attributes")

    for name in STORE_COLUMNS[1:]:
        if name in frame.columns:
            lacking = ids[_empty(frame[name])].tolist()
            if lacking:
                shown = ", ".join(lacking[:10]) + (" ..." if len(lacking) > 10 else "")
                warnings.append(f"{name} is empty for {len(lacking)} store(s): {shown}")
    return Checked(clean, warnings)


WEEKLY_DAILY_COLUMNS = ("date", "store_id", "quantity_sold")
WEEKLY_COLUMNS = ("store_id", "week_number", "units_sold")


def check_weekly_actuals(
    frame: pd.DataFrame,
    *,
    store_ids: set[str],
    week_number: int,
    week_start: dt.date,
) -> dict[str, int]:
    """Validates one week's actuals in either shape and returns units
    per store: `date,store_id,quantity_sold` (7 daily rows per store, dates inside the week)
    or `store_id,week_number,units_sold` (one row per store, for this week). Every store of
    the plan must appear, each once (daily: each day once)."""
    problems = _Collector(frame)
    daily = all(name in frame.columns for name in WEEKLY_DAILY_COLUMNS)
    weekly = all(name in frame.columns for name in WEEKLY_COLUMNS)
    if not (daily or weekly):
        problems.add_file(
            "use the columns date,store_id,quantity_sold (daily rows) or "
            "store_id,week_number,units_sold (one row per store)"
        )
        problems.raise_if_any("weekly sales")
    stores = frame["store_id"]
    problems.add_rows(_empty(stores), "store_id", "a value is required")
    problems.add_rows(
        ~_empty(stores) & ~stores.isin(store_ids), "store_id", "not a store of this season's plan"
    )
    if daily:
        week_end = week_start + dt.timedelta(days=6)
        dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
        problems.add_rows(dates.isna(), "date", "not a date in the form YYYY-MM-DD")
        outside = dates.notna() & (
            (dates < pd.Timestamp(week_start)) | (dates > pd.Timestamp(week_end))
        )
        problems.add_rows(
            outside, "date", f"outside week {week_number} ({week_start} to {week_end})"
        )
        units = _whole_numbers(frame, problems, "quantity_sold", required=True)
        repeated = dates.notna() & pd.DataFrame({"d": dates, "s": stores}).duplicated()
        problems.add_rows(repeated, "date", "this store's day appears twice")
    else:
        weeks = pd.to_numeric(frame["week_number"], errors="coerce")
        problems.add_rows(weeks.isna(), "week_number", "not a week number")
        # A file with the whole season: week N's rows are used, the others left for later.
        this_week = weeks == week_number
        if not this_week.any():
            problems.add_file(f"the file has no rows for week {week_number}")
            problems.raise_if_any("weekly sales")
        frame = frame[this_week | weeks.isna()]
        stores = frame["store_id"]
        problems.frame = frame
        units = _whole_numbers(frame, problems, "units_sold", required=True)
        problems.add_rows(
            ~_empty(stores) & stores.duplicated(), "store_id", "store listed more than once"
        )
    # Row problems and whole-file problems (missing stores, days) are reported together.
    totals = units.fillna(0).groupby(stores).sum().astype(int)
    if daily:
        days = frame.groupby("store_id")["date"].nunique()
        short = sorted(days[days != 7].index)
        for store in short:
            problems.add_file(
                f"store {store} has {days[store]} of the 7 days of week {week_number}"
            )
    missing = sorted(store_ids - set(totals.index))
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        problems.add_file(f"{len(missing)} store(s) of the plan are missing: {shown}")
    problems.raise_if_any("weekly sales")
    return {str(store): int(total) for store, total in totals.items()}
