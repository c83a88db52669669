"""The season page's replenishment summary: totals first, exceptions named, the
stores that get nothing kept apart."""

from types import SimpleNamespace

from planner.web.dashboard import replenishment_weeks


def _line(week: int, store: str, requested: int, units: int, status: str) -> SimpleNamespace:
    return SimpleNamespace(
        week_number=week,
        store_id=store,
        requested_units=requested,
        units=units,
        is_partial=units < requested,
        status=status,
        from_store_id=None,
    )


def test_weeks_newest_first_with_totals_shortfall_and_the_dc_after() -> None:
    lines = [
        _line(2, "S1", 100, 100, "approved"),
        _line(2, "S2", 50, 50, "approved"),
        _line(3, "S1", 120, 80, "proposed"),  # the DC runs out
        _line(3, "S2", 60, 0, "proposed"),
        _line(3, "S3", 40, 0, "proposed"),
    ]

    week3, week2 = replenishment_weeks(lines, dc_units=230)

    assert (week2["units"], week2["stores"], week2["shortfall"], week2["dc_after"]) == (
        150,
        2,
        0,
        80,
    )
    assert (week3["units"], week3["stores"], week3["shortfall"], week3["dc_after"]) == (
        80,
        1,
        140,
        0,
    )
    assert week3["dc_empty"] and week3["partial"] == 1 and not week2["dc_empty"]
    assert [s.store_id for s in week3["shipping"]] == ["S1"]
    assert [s.store_id for s in week3["nothing"]] == ["S2", "S3"]


def test_rejected_lines_ship_nothing_and_a_rejected_week_says_so() -> None:
    lines = [
        _line(2, "S1", 100, 100, "approved"),
        _line(2, "S2", 50, 50, "rejected"),
        _line(3, "S1", 120, 80, "rejected"),
        _line(3, "S2", 60, 40, "rejected"),
    ]

    week3, week2 = replenishment_weeks(lines, dc_units=230)

    assert (week2["status"], week2["units"], week2["stores"], week2["dc_after"]) == (
        "approved",
        100,
        1,
        130,
    )
    assert [s.store_id for s in week2["rejected"]] == ["S2"]
    assert (week3["status"], week3["units"], week3["stores"], week3["dc_after"]) == (
        "rejected",
        0,
        0,
        130,
    )
    assert [s.store_id for s in week3["rejected"]] == ["S1", "S2"]
