"""Schemathesis hooks (SCHEMATHESIS_HOOKS=loadtest.hooks): the bad values that the
schema alone never generates.

- Uploads get CSV files in the planner's formats whose cells are drawn from valid values and
  from the values that once poisoned the database or answered 500: `inf`, `nan`, `1e30`,
  integers beyond 64 bits, dates in year 1 or 9999, rows shorter or longer than the header.
- JSON bodies get their dates moved to year 1 or 9999 and their numbers to 2^63 or 1e30, or
  keep their generated values (the client sends no Infinity; the CSVs carry `inf`).

Every one of them must be a 4xx: the run's `not_a_server_error` check fails on any 5xx.
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from hypothesis import strategies as st

BAD_NUMBERS = ["inf", "-inf", "nan", "1e30", "1e20", str(2**63), str(2**40), "-1", "1.5", "x"]
BAD_DATES = ["0001-01-01", "9999-12-31", "2999-06-01", "2023-02-30", "tomorrow"]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Each upload's header with one valid value per column, and the bad values for that column.
UPLOADS: dict[str, list[tuple[str, str, list[str]]]] = {
    "/api/data/upload-historical-sales": [
        ("date", "2024-03-04", BAD_DATES),
        ("store_id", "S001", ["", "S" * 300]),
        ("category", "Women's Dresses", ["", "C" * 300]),
        ("quantity_sold", "3", BAD_NUMBERS),
        ("revenue", "165.00", [*BAD_NUMBERS, "10000000000"]),
    ],
    "/api/data/upload-store-attributes": [
        ("store_id", "S001", [""]),
        ("store_name", "South Value 01", ["N" * 300]),
        ("avg_weekly_sales_12mo", "4159.04", [*BAD_NUMBERS, "10000000000"]),
        ("store_size_sqft", "6260", [*BAD_NUMBERS, "0"]),
        ("median_income", "59400", BAD_NUMBERS),
        ("location_tier", "C", ["Z", ""]),
        ("fashion_tier", "Value", ["value_conscious", ""]),
        ("store_format", "street", ["moon"]),
        ("region", "South", ["", "R" * 300]),
        ("foot_traffic", "5410", BAD_NUMBERS),
        ("competitor_density", "3.6", BAD_NUMBERS),
        ("online_penetration", "0.159", [*BAD_NUMBERS, "2"]),
        ("population_density", "3250", BAD_NUMBERS),
        ("mall_location", "True", ["maybe"]),
    ],
    "/api/data/upload-weekly-sales": [
        ("store_id", "S001", ["", "S999"]),
        ("week_number", "1", [*BAD_NUMBERS, "13", "0"]),
        ("units_sold", "44", BAD_NUMBERS),
    ],
}


def _cell(valid: str, bad: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(valid), st.sampled_from(bad))


def _row(columns: list[tuple[str, str, list[str]]]) -> st.SearchStrategy[str]:
    cells = st.tuples(*(_cell(valid, bad) for _, valid, bad in columns)).map(list)
    ragged = st.sampled_from(["same", "short", "long"])
    return st.tuples(cells, ragged).map(
        lambda drawn: ",".join(
            drawn[0][:-2] if drawn[1] == "short" else drawn[0] + ["extra"] * (drawn[1] == "long")
        )
    )


def _csv(columns: list[tuple[str, str, list[str]]]) -> st.SearchStrategy[bytes]:
    header = ",".join(name for name, _, _ in columns)
    rows = st.lists(_row(columns), min_size=1, max_size=6)
    return rows.map(lambda lines: "\n".join([header, *lines]).encode())


def _json_value(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, str) and DATE.match(value):
        return st.sampled_from([value, *BAD_DATES])
    if isinstance(value, bool) or not isinstance(value, int | float):
        return st.just(value)
    return st.sampled_from([value, 2**63, -(2**63), 10**30, 1e30])


@schemathesis.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict):
        return st.just(body)
    path = context.operation.path if context.operation else ""
    if "file" in body and path in UPLOADS:
        return _csv(UPLOADS[path]).map(lambda text: {**body, "file": text})
    return st.fixed_dictionaries({key: _json_value(value) for key, value in body.items()})
