"""Every class of bad CSV file is rejected whole, each problem named by row, column, value."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models

from shared.imports import (
    MAX_LISTED_PROBLEMS,
    NUMBER_LIMITS,
    ImportRejected,
    check_history,
    check_store_attributes,
    check_weekly_actuals,
    read_csv,
    read_csv_chunks,
)
from shared.models import HistoricalSale, Store

HEADER = "date,store_id,category,quantity_sold,revenue\n"
STORES = {"S001", "S002"}
LIMIT = 1_000_000


WINDOW = (dt.date(2000, 1, 1), dt.date(2026, 11, 28))


def _history(body: str, header: str = HEADER):
    return check_history(
        read_csv_chunks((header + body).encode(), what="history", max_bytes=LIMIT),
        known_store_ids=STORES,
        window=WINDOW,
    )


def _rejected(body: str, header: str = HEADER) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        _history(body, header)
    return caught.value


def _problems(error: ImportRejected) -> list[tuple]:
    return [(p.row, p.column, p.value, p.message) for p in error.problems]


def test_valid_rows_come_back_typed() -> None:
    checked = _history(
        "2024-01-01,S001,Women's Dresses,3,165.00\n2024-01-01,S002,Accessories,0,0\n"
    )

    assert checked.frame["quantity_sold"].tolist() == [3, 0]
    assert str(checked.frame["date"].dtype).startswith("datetime64")
    assert checked.warnings == []


def test_missing_column_is_named() -> None:
    error = _rejected("2024-01-01,S001,Dresses,3\n", header="date,store_id,category,revenue\n")

    assert _problems(error) == [
        (None, "quantity_sold", None, "required column 'quantity_sold' is missing")
    ]
    assert "rejected" in error.message and "nothing was imported" in error.message


def test_history_without_revenue_is_units_only_with_a_note() -> None:
    units_only = "date,store_id,category,quantity_sold\n"
    checked = _history("2024-01-01,S001,Dresses,3\n", header=units_only)

    assert checked.frame["quantity_sold"].tolist() == [3]
    assert checked.frame["revenue"].isna().all()
    assert checked.warnings == [
        "no 'revenue' column: units only (prices come from the category settings, not history)"
    ]


def test_extra_column_is_ignored_with_a_warning() -> None:
    checked = _history("2024-01-01,S001,Dresses,3,165,x\n", header=HEADER.strip() + ",promo_flag\n")

    assert checked.warnings == ["column 'promo_flag' is not used and was ignored"]
    assert "promo_flag" not in checked.frame.columns


def test_repeated_header_column_is_rejected() -> None:
    error = _rejected("2024-01-01,S001,Dresses,3,1,2\n", header=HEADER.strip() + ",revenue\n")

    assert _problems(error) == [(None, "revenue", None, "column appears more than once")]


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        ("2024-13-01,S001,Dresses,3,1", "date", "2024-13-01", "not a date in the form YYYY-MM-DD"),
        ("01/02/2024,S001,Dresses,3,1", "date", "01/02/2024", "not a date in the form YYYY-MM-DD"),
        (",S001,Dresses,3,1", "date", "", "a value is required"),
        ("2024-01-01,S001,Dresses,-2,1", "quantity_sold", "-2", "must be 0 to 1,000,000"),
        ("2024-01-01,S001,Dresses,2.5,1", "quantity_sold", "2.5", "must be a whole number"),
        ("2024-01-01,S001,Dresses,many,1", "quantity_sold", "many", "not a number"),
        ("2024-01-01,S001,Dresses,2,-1.5", "revenue", "-1.5", "must be 0 to 9,999,999,999.99"),
        ("2024-01-01,S001,Dresses,2,", "revenue", "", "a value is required"),
        (
            "2024-01-01,S999,Dresses,2,1",
            "store_id",
            "S999",
            "unknown store; import the store attributes file first",
        ),
        ("2024-01-01,S001,,2,1", "category", "", "a value is required"),
    ],
)
def test_bad_value_is_named_by_row_column_and_value(
    row: str, column: str, value: str, message: str
) -> None:
    error = _rejected("2024-01-01,S002,Dresses,1,55\n" + row + "\n")

    assert _problems(error) == [(3, column, value, message)]


def test_every_problem_is_listed_not_just_the_first() -> None:
    error = _rejected("bad,S001,Dresses,1,1\n2024-01-01,S404,Dresses,-1,1\n")

    assert _problems(error) == [
        (2, "date", "bad", "not a date in the form YYYY-MM-DD"),
        (3, "quantity_sold", "-1", "must be 0 to 1,000,000"),
        (3, "store_id", "S404", "unknown store; import the store attributes file first"),
    ]
    assert "3 problems" in error.message


def test_duplicate_rows_point_at_the_first_occurrence() -> None:
    error = _rejected(
        "2024-01-01,S001,Dresses,1,55\n2024-01-02,S001,Dresses,1,55\n2024-01-01,S001,Dresses,2,110\n"
    )

    assert _problems(error) == [
        (4, "date", "2024-01-01", "repeats the date, store and category of row 2")
    ]


def test_a_huge_bad_file_lists_a_bounded_number_but_counts_all() -> None:
    body = "".join(f"2024-01-01,S001,Dresses,-{i + 1},1\n" for i in range(MAX_LISTED_PROBLEMS + 5))

    error = _rejected(body)

    assert error.total > MAX_LISTED_PROBLEMS
    assert len(error.listed) == MAX_LISTED_PROBLEMS


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "The history file is empty."),
        (b"  \n\n", "The history file is empty."),
        (HEADER.encode(), "The history file has a header but no data rows."),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "The history file is not a CSV text file (it contains binary data).",
        ),
        (
            "date,store\n2024-01-01,S\xe9\n".encode("latin-1"),
            "The history file is not UTF-8 text; save it as CSV (UTF-8).",
        ),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(raw: bytes, message: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        read_csv(raw, what="history", max_bytes=LIMIT)

    assert caught.value.message == message
    assert caught.value.status == 400


def test_file_over_the_size_limit_is_413() -> None:
    with pytest.raises(ImportRejected) as caught:
        read_csv(b"x" * 101, what="history", max_bytes=100)

    assert caught.value.status == 413
    assert caught.value.message == "The history file is 101 bytes; the limit is 100 bytes."


def test_utf8_bom_and_padding_are_accepted() -> None:
    raw = ("\ufeff" + HEADER + " 2024-01-01 , S001 ,Dresses, 3 ,165\n").encode()

    checked = check_history(
        read_csv_chunks(raw, what="h", max_bytes=LIMIT), known_store_ids=STORES, window=WINDOW
    )

    assert checked.frame["store_id"].tolist() == ["S001"]


STORE_HEADER = (
    "store_id,avg_weekly_sales_12mo,store_size_sqft,median_income,location_tier,fashion_tier,"
    "store_format,region,foot_traffic,competitor_density,online_penetration,"
    "population_density,mall_location\n"
)


def _stores(body: str, header: str = STORE_HEADER):
    return check_store_attributes(read_csv((header + body).encode(), what="s", max_bytes=LIMIT))


def test_store_enums_are_case_insensitive_and_normalised() -> None:
    checked = _stores("S001,5000,9000,70000,a,premium,mall,North,12000,5,0.3,5000,YES\n")

    row = checked.frame.iloc[0]
    assert (row["location_tier"], row["fashion_tier"], row["mall_location"]) == (
        "A",
        "Premium",
        True,
    )


@pytest.mark.parametrize(
    ("values", "column", "value", "message"),
    [
        (
            "S001,5000,9000,70000,D,Premium,mall,N,1,1,0.3,1,true",
            "location_tier",
            "D",
            "must be one of A, B, C",
        ),
        (
            "S001,5000,9000,70000,A,Luxury,mall,N,1,1,0.3,1,true",
            "fashion_tier",
            "Luxury",
            "must be one of Premium, Mainstream, Value",
        ),
        (
            "S001,5000,9000,70000,A,Value,mall,N,1,1,1.3,1,true",
            "online_penetration",
            "1.3",
            "must be 0 to 1",
        ),
        (
            "S001,5000,0,70000,A,Value,mall,N,1,1,0.3,1,true",
            "store_size_sqft",
            "0",
            "must be 1 to 10,000,000",
        ),
        (
            "S001,5000,9000,70000,A,Value,mall,N,1,1,0.3,1,maybe",
            "mall_location",
            "maybe",
            "must be true or false (also yes/no, 1/0)",
        ),
        (
            "S 1,5000,9000,70000,A,Value,mall,N,1,1,0.3,1,true",
            "store_id",
            "S 1",
            "use up to 20 letters, digits, '-' or '_'",
        ),
    ],
)
def test_bad_store_attribute_is_named(values: str, column: str, value: str, message: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        _stores(values + "\n")

    assert _problems(caught.value) == [(2, column, value, message)]


def test_store_listed_twice_is_rejected() -> None:
    with pytest.raises(ImportRejected) as caught:
        _stores("S001,,,,,,,,,,,,\nS001,,,,,,,,,,,,\n")

    assert _problems(caught.value) == [(3, "store_id", "S001", "store listed more than once")]


def test_missing_store_attributes_are_allowed_and_reported() -> None:
    checked = _stores("S001,5000,,70000,A,Value,,North,,,,,\n", header=STORE_HEADER)

    assert "store_size_sqft is empty for 1 store(s): S001" in checked.warnings
    partial = _stores("S001,A\n", header="store_id,location_tier\n")
    assert partial.warnings[0].startswith("columns not in the file, left as they were: avg_weekly")
    assert list(partial.frame.columns) == ["store_id", "location_tier"]


def test_a_whole_season_file_gives_the_rows_of_the_week_asked_for() -> None:
    raw = b"store_id,week_number,units_sold\nS001,1,5\nS002,1,7\nS001,2,50\nS002,2,70\n"
    frame = read_csv(raw, what="weekly sales", max_bytes=LIMIT)

    units = check_weekly_actuals(
        frame, store_ids=STORES, week_number=2, week_start=dt.date(2025, 2, 24)
    )

    assert units == {"S001": 50, "S002": 70}
    with pytest.raises(ImportRejected, match="rejected with 1 problem"):
        check_weekly_actuals(frame, store_ids=STORES, week_number=3, week_start=dt.date(2025, 3, 3))


# --- ranges: nothing the columns cannot hold, nothing a forecast cannot use ------------------


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("2024-01-01,S001,D,inf,1", "quantity_sold", "not a number"),
        ("2024-01-01,S001,D,1e20,1", "quantity_sold", "must be 0 to 1,000,000"),
        ("2024-01-01,S001,D,9223372036854775808,1", "quantity_sold", "must be 0 to 1,000,000"),
        ("2024-01-01,S001,D,1099511627776,1", "quantity_sold", "must be 0 to 1,000,000"),
        ("2024-01-01,S001,D,1,10000000000", "revenue", "must be 0 to 9,999,999,999.99"),
        ("2024-01-01,S001,D,1,1e30", "revenue", "must be 0 to 9,999,999,999.99"),
        ("2024-01-01,S001,D,1,-inf", "revenue", "not a number"),
        ("0001-01-01,S001,D,1,1", "date", "must be from 2000-01-01 to 2026-11-28"),
        ("9999-12-31,S001,D,1,1", "date", "must be from 2000-01-01 to 2026-11-28"),
    ],
)
def test_out_of_range_history_values_are_named_with_the_allowed_range(
    row: str, column: str, message: str
) -> None:
    error = _rejected(row + "\n")

    assert [(p.row, p.column, p.message) for p in error.problems] == [(2, column, message)]


def test_rows_with_more_or_fewer_fields_than_the_header_are_named() -> None:
    error = _rejected("2024-01-01,S001,D,1,1,extra\n2024-01-02,S001,D,1,1\n2024-01-03,S001\n")

    assert [(p.row, p.message) for p in error.problems] == [
        (2, "has 6 fields; the header has 5"),
        (4, "has 2 fields; the header has 5"),
    ]


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("1e30", "avg_weekly_sales_12mo", "must be 0 to 9,999,999,999.99"),
        ("10000000000", "avg_weekly_sales_12mo", "must be 0 to 9,999,999,999.99"),
        ("inf", "store_size_sqft", "not a number"),
        ("1e30", "store_size_sqft", "must be 1 to 10,000,000"),
    ],
)
def test_out_of_range_store_values_are_named(value: str, column: str, message: str) -> None:
    raw = f"store_id,{column}\nS001,{value}\n".encode()
    with pytest.raises(ImportRejected) as caught:
        check_store_attributes(read_csv(raw, what="stores", max_bytes=LIMIT))

    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [(2, column, message)]


def column_capacity(field: models.Field) -> float:
    """The largest value a column holds on every database engine."""
    if isinstance(field, models.DecimalField):
        return 10 ** (field.max_digits - field.decimal_places) - 10**-field.decimal_places
    if isinstance(field, models.PositiveIntegerField):
        return 2**31 - 1  # the smallest of the engines' integer columns
    return float("inf")  # a float column


def test_every_limit_fits_the_database_column_it_is_stored_in() -> None:
    # units_sold is stored by the season's weekly actuals: planner/tests/season/test_weekly.py
    columns = {
        "quantity_sold": HistoricalSale._meta.get_field("quantity_sold"),
        "revenue": HistoricalSale._meta.get_field("revenue"),
        "store_size_sqft": Store._meta.get_field("size_sqft"),
    }
    for name, (_, highest) in NUMBER_LIMITS.items():
        if name == "units_sold":
            continue
        field = columns.get(name) or Store._meta.get_field(name)
        assert highest <= column_capacity(field), (name, highest, column_capacity(field))


def test_a_file_of_one_repeated_row_is_rejected_with_bounded_problems_and_all_counted() -> None:
    rows = 200_000
    raw = (HEADER + "2024-01-01,S001,Dresses,1,1\n" * rows).encode()
    with pytest.raises(ImportRejected) as caught:
        frames = read_csv_chunks(raw, what="historical sales", max_bytes=len(raw))
        check_history(frames, known_store_ids=STORES, window=WINDOW)
    error = caught.value

    # A 49 MB file like this once built a problem object per row: 98 s and 1.3 GB to reject.
    assert len(error.problems) <= MAX_LISTED_PROBLEMS
    assert error.total == rows - 1
    assert error.message == (
        f"The historical sales file was rejected with {rows - 1:,} problems; nothing was imported."
    )
    assert error.listed[0].row == 3 and error.listed[-1].row == MAX_LISTED_PROBLEMS + 2


_MEASURE_CHECK = """
import datetime as dt, json, sys
import pandas as pd
from shared.imports import check_history, read_csv_chunks
from shared.peak_memory import peak_memory

stores = set(pd.read_csv(sys.argv[1], dtype=str)["store_id"])
with open(sys.argv[2], "rb") as file, peak_memory() as measured:
    checked = check_history(
        read_csv_chunks(file, what="history", max_bytes=10**9),
        known_store_ids=stores,
        window=(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    )
print(json.dumps({"rows": len(checked.frame), "added": measured.added}))
"""


def test_a_large_history_file_is_checked_in_less_than_three_times_its_size(
    chain_history_files: tuple[Path, Path],
) -> None:
    # A 45 MB file once raised a server by 380 MB (five at once: 3.2 GB): the text, its
    # strings and their stripped copies were all held at once. In a fresh process, so that
    # nothing freed earlier is reused and hides the cost.
    stores_path, history_path = chain_history_files
    size = history_path.stat().st_size

    result = subprocess.run(
        [sys.executable, "-c", _MEASURE_CHECK, str(stores_path), str(history_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    measured = json.loads(result.stdout)

    assert measured["rows"] == 120 * 3288
    assert size > 14_000_000
    assert measured["added"] <= 3 * size, (measured["added"] / size, size)
