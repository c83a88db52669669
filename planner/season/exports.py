"""A season's tables to take away: the weekly table, the plan in force week by week with its
bands, and the season report, each as CSV or an Excel workbook. The figures are the ones the
season page and the API show (the same rows and the same report object)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from forecasting import selectors as forecasting_selectors
from planner.models import WeekReview, Workflow
from planner.season.selectors import season_report_for
from planner.season.states import SeasonConflict

TABLES = ("weeks", "plan", "report")
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _weeks(workflow: Workflow) -> Table:
    starts = {}
    root = forecasting_selectors.season_forecast(workflow_id=workflow.pk)
    if root is not None:
        starts = dict(root.weeks.values_list("week_number", "week_start_date"))
    rows = [
        (
            r.week_number,
            starts.get(r.week_number),
            r.actual_units,
            round(r.forecast_units, 1),
            round(r.weekly_variance, 4),
            r.weekly_band,
            round(r.cumulative_variance, 4),
            r.cumulative_band,
            r.week_number + 1,
            round(r.level_factor, 4),
            r.reforecast_triggered,
            r.stockout_stores,
            r.excess_units,
            len(r.flags),
            r.reason,
        )
        for r in WeekReview.objects.filter(workflow=workflow).order_by("week_number")
    ]
    return Table(
        "Weeks",
        (
            "week",
            "week_start_monday",
            "actual_units",
            "plan_of_record_units",
            "week_variance",
            "week_band",
            "cumulative_variance",
            "cumulative_band",
            "plan_update_version",
            "plan_update_factor",
            "revision",
            "stores_sold_out",
            "units_beyond_recorded_stock",
            "stores_flagged",
            "reason",
        ),
        rows,
    )


def _plan(workflow: Workflow) -> Table:
    current = forecasting_selectors.latest_forecast_for(workflow_id=workflow.pk)
    if current is None:
        raise SeasonConflict(f"Season {workflow.pk} has no plan yet.")
    rows = [
        (
            w.week_number,
            w.week_start_date,
            "actual" if w.is_actual else "plan",
            round(w.units, 1),
            round(w.lower_80, 1),
            round(w.upper_80, 1),
            round(w.lower_95, 1),
            round(w.upper_95, 1),
        )
        for w in current.weeks.order_by("week_number")
    ]
    return Table(
        f"Plan v{current.version}",
        (
            "week",
            "week_start_monday",
            "kind",
            "units",
            "low_80",
            "high_80",
            "low_95",
            "high_95",
        ),
        rows,
    )


def _report(workflow: Workflow) -> Table:
    report = season_report_for(workflow)
    if report is None:
        raise SeasonConflict(f"Season {workflow.pk} has no report until its last week is in.")
    money = report.money
    rows: list[tuple[Any, ...]] = [
        ("units sold", report.units_sold),
        ("units received by stores", report.units_received_by_stores),
        ("units manufactured", report.manufactured),
        ("sell-through of received", round(report.sell_through_received, 4)),
        ("sell-through of manufactured", round(report.sell_through_manufactured, 4)),
        ("original plan WAPE", round(report.original.wape, 4)),
        ("original plan bias (plan above actual is positive)", round(report.original.bias, 4)),
        ("plan in force WAPE", round(report.in_season.wape, 4)),
        ("stockout store-weeks", report.stockout_store_weeks),
        ("store-weeks", report.store_weeks),
        ("leftover at stores", report.leftover_store_units),
        ("leftover at the DC", report.leftover_dc_units),
        ("plan revisions at weeks", " ".join(map(str, report.reforecast_weeks)) or "none"),
        (
            "markdowns",
            " ".join(f"week {w} at {pct:.0%}" for w, pct in report.markdowns) or "none",
        ),
    ]
    if money is not None:
        rows += [
            ("revenue", money.revenue),
            ("gross margin on units sold", money.gross_margin),
            ("markdown cost", money.markdown_cost),
            ("leftover stock at stores, at cost", money.store_stock_value),
            ("leftover stock at the DC, at cost", money.dc_stock_value),
        ]
    rows += [("advice", line) for line in report.advice]
    return Table("Report", ("figure", "value"), rows)


_BUILDERS = {"weeks": _weeks, "plan": _plan, "report": _report}


def season_table(workflow: Workflow, what: str) -> Table:
    """One of TABLES; SeasonConflict when the season has no such table yet."""
    return _BUILDERS[what](workflow)


def rendered(table: Table, fmt: str) -> bytes:
    """The table as CSV (UTF-8) or as a one-sheet Excel workbook. Text a spreadsheet would
    run as a formula is prefixed with a quote."""
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(table.header)
        writer.writerows(_safe_row(row) for row in table.rows)
        return text.getvalue().encode()
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append(list(table.header))
    for row in table.rows:
        sheet.append(list(_safe_row(row)))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _safe_row(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value
        for value in row
    )
