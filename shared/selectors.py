"""Reads of the shared app: the categories with their history's dates, a category's units a
year before, and a category's economics as the season uses them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max, Min, OuterRef, QuerySet, Subquery, Sum

from shared.conflicts import Conflict
from shared.economics import Economics, economics_with_defaults
from shared.models import Category, HistoricalSale


def category_list() -> QuerySet[Category]:
    """Categories with the first and last date of their history: two index seeks on
    (category, date) per category, not a scan of every history row."""
    dates = HistoricalSale.objects.filter(category=OuterRef("pk")).values("date")
    return Category.objects.annotate(
        history_start=Subquery(dates.order_by("date")[:1]),
        history_end=Subquery(dates.order_by("-date")[:1]),
    ).order_by("name")


def category_units_a_year_before(category_id: str, starts: list[dt.date]) -> list[int | None]:
    """The category's units sold in the 52 weeks (364 days) before each week that starts on
    `starts` (consecutive weeks): last year's same weeks, with the same weekdays. None for a
    week the history does not cover whole."""
    if not starts:
        return []
    first = starts[0] - dt.timedelta(days=364)
    end = first + dt.timedelta(days=7 * len(starts))
    rows = HistoricalSale.objects.filter(category_id=category_id)
    covered = rows.aggregate(first=Min("date"), last=Max("date"))
    if covered["first"] is None:
        return [None] * len(starts)
    units: list[int | None] = [0] * len(starts)
    by_date = (
        rows.filter(date__gte=first, date__lt=end)
        .values("date")
        .annotate(units=Sum("quantity_sold"))
    )
    for row in by_date:
        index = (row["date"] - first).days // 7
        units[index] = (units[index] or 0) + int(row["units"])
    for index in range(len(starts)):
        week_first = first + dt.timedelta(days=7 * index)
        if week_first < covered["first"] or week_first + dt.timedelta(days=6) > covered["last"]:
            units[index] = None
    return units


class EconomicsInvalid(Conflict, ValueError):
    """A category's economics as they will be used (the values set on it with the defaults
    derived from its history) do not hold together: the message says why and where to fix
    them, `problem` says only why. The API answers 409; pages show it with the form."""

    def __init__(self, category: Category, problem: str) -> None:
        super().__init__(
            f"The economics of {category.name} no longer hold together: {problem}. Set the "
            "values on the season page's economics form or PUT /api/categories/"
            f"{category.slug}/economics (empty fields take the defaults derived from history)."
        )
        self.problem = problem


def economics_with_history(
    category: Category,
    *,
    price: float | None,
    unit_cost: float | None,
    salvage_value: float | None,
    shipment_cost: float,
) -> Economics:
    """The economics these values would give the category, the empty ones derived from its
    history revenue / units (kept on the category by the history import) and the PLANNING_*
    shares (shared.economics); raises EconomicsInvalid when the combination does not
    hold together."""
    planning = settings.PLANNING
    revenue = category.history_revenue
    try:
        return economics_with_defaults(
            price=price,
            unit_cost=unit_cost,
            salvage_value=salvage_value,
            shipment_cost=shipment_cost,
            history_revenue=None if revenue is None else float(revenue),
            history_units=float(category.history_priced_units),
            default_price=planning["DEFAULT_PRICE"],
            cost_share=planning["COST_SHARE"],
            salvage_share=planning["SALVAGE_SHARE"],
        )
    except ValueError as error:
        raise EconomicsInvalid(category, str(error)) from None


def economics_of(category: Category) -> Economics:
    """The category's price, unit cost, salvage value and shipment cost: as set on it, else
    from history revenue / units and the PLANNING_* shares. Raises EconomicsInvalid when they
    do not hold together (values set earlier can stop holding as the history changes)."""

    def number(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    return economics_with_history(
        category,
        price=number(category.price),
        unit_cost=number(category.unit_cost),
        salvage_value=number(category.salvage_value),
        shipment_cost=float(category.shipment_cost),
    )


def category_economics(category_id: str) -> Economics:
    """`economics_of` the category with this id."""
    return economics_of(Category.objects.get(pk=category_id))


def usable_economics(category_id: str) -> Economics | None:
    """`category_economics`, or None while they do not hold together (the economics form says
    why): what the season, its money and the work queue price with."""
    try:
        return category_economics(category_id)
    except EconomicsInvalid:
        return None


def category_economics_view(category: Category) -> dict[str, object]:
    """The economics as the API shows them: the values in use with their sources, or the
    problem when they do not hold together."""
    try:
        economics = economics_of(category)
    except EconomicsInvalid as invalid:
        return {"economics": None, "economics_problem": invalid.problem}
    return {
        "economics": {
            "price": economics.price,
            "unit_cost": economics.unit_cost,
            "salvage_value": economics.salvage_value,
            "shipment_cost": economics.shipment_cost,
            "sources": economics.sources,
        },
        "economics_problem": "",
    }
