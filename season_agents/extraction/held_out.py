"""Phrasings kept apart from the rules: written as merchandisers write, never used to develop
or tune `rules.py` (`test_phrasings.py` is the development set). `manage.py
benchmark_extraction` scores the rules on them; a rule changed because of one of these makes
it development data, and it moves to `test_phrasings.py`.

Each entry: the text and the fields it states (the others must come back defaulted), for
today = HELD_OUT_TODAY.
"""

from __future__ import annotations

import datetime as dt

HELD_OUT_TODAY = dt.date(2025, 1, 15)
D = dt.date

HELD_OUT: list[tuple[str, dict[str, object]]] = [
    (
        "Plan spring dresses for 10 weeks beginning 3 March 2025, restock every week, keep 40% "
        "back at the DC, and mark down in week 6 if we've sold less than 55%.",
        {
            "forecast_horizon_weeks": 10,
            "season_start_date": D(2025, 3, 3),
            "replenishment_strategy": "weekly",
            "dc_holdback_percentage": 0.40,
            "markdown_checkpoint_week": 6,
            "markdown_threshold": 0.55,
        },
    ),
    (
        "Summer shirts: 14 weeks from June 2nd. Fortnightly top-ups. 35 percent stays in the "
        "warehouse.",
        {
            "forecast_horizon_weeks": 14,
            "season_start_date": D(2025, 6, 2),
            "replenishment_strategy": "bi-weekly",
            "dc_holdback_percentage": 0.35,
        },
    ),
    (
        "We launch on the 7th of April for eight weeks; one allocation only, nothing held back.",
        {
            "season_start_date": D(2025, 4, 7),
            "forecast_horizon_weeks": 8,
            "replenishment_strategy": "none",
            "dc_holdback_percentage": 0.0,
        },
    ),
    (
        "Season of 16 weeks starting Monday 5 May 2025 with a markdown review at week 10 "
        "(threshold 50% sell-through).",
        {
            "forecast_horizon_weeks": 16,
            "season_start_date": D(2025, 5, 5),
            "markdown_checkpoint_week": 10,
            "markdown_threshold": 0.50,
        },
    ),
    (
        "Twelve-week run from 2025-09-01, replenish weekly, hold back 30%.",
        {
            "forecast_horizon_weeks": 12,
            "season_start_date": D(2025, 9, 1),
            "replenishment_strategy": "weekly",
            "dc_holdback_percentage": 0.30,
        },
    ),
    (
        "Start the accessories season on Sept 15, 10 weeks, no markdowns planned.",
        {
            "season_start_date": D(2025, 9, 15),
            "forecast_horizon_weeks": 10,
            "markdown_checkpoint_week": None,
            "markdown_threshold": None,
        },
    ),
    (
        "A 9 week holiday season from November 3rd with bi-weekly replenishment and a price "
        "review at week 5 if sell-through is under 40%.",
        {
            "forecast_horizon_weeks": 9,
            "season_start_date": D(2025, 11, 3),
            "replenishment_strategy": "bi-weekly",
            "markdown_checkpoint_week": 5,
            "markdown_threshold": 0.40,
        },
    ),
    (
        "Keep half the buy in the distribution center, 12 weeks, start on 2025-03-17.",
        {
            "dc_holdback_percentage": 0.5,
            "forecast_horizon_weeks": 12,
            "season_start_date": D(2025, 3, 17),
        },
    ),
    (
        "Six weeks beginning the second Monday of March, ship everything to stores.",
        {
            "forecast_horizon_weeks": 6,
            "season_start_date": D(2025, 3, 10),
            "dc_holdback_percentage": 0.0,
        },
    ),
    (
        "Ten weeks from 1 July. Weekly replenishment. Discount in week 7 if we're below 60% sold "
        "through.",
        {
            "forecast_horizon_weeks": 10,
            "season_start_date": D(2025, 7, 1),
            "replenishment_strategy": "weekly",
            "markdown_checkpoint_week": 7,
            "markdown_threshold": 0.60,
        },
    ),
    (
        "Run it for two months from August 4, replenishing every other week.",
        {
            "forecast_horizon_weeks": 9,
            "season_start_date": D(2025, 8, 4),
            "replenishment_strategy": "bi-weekly",
        },
    ),
    (
        "Back-to-school denim: 8 weeks, starts 2025-07-28, 25% DC reserve, markdown check at "
        "week 5.",
        {
            "forecast_horizon_weeks": 8,
            "season_start_date": D(2025, 7, 28),
            "dc_holdback_percentage": 0.25,
            "markdown_checkpoint_week": 5,
        },
    ),
    (
        "Forecast a season of 20 weeks starting next Monday, no replenishment.",
        {
            "forecast_horizon_weeks": 20,
            "season_start_date": D(2025, 1, 20),
            "replenishment_strategy": "none",
        },
    ),
    (
        "13 weeks from 6 Jan 2026, weekly restocking, markdowns at week 8 when sell through is "
        "lower than 45%.",
        {
            "forecast_horizon_weeks": 13,
            "season_start_date": D(2026, 1, 6),
            "replenishment_strategy": "weekly",
            "markdown_checkpoint_week": 8,
            "markdown_threshold": 0.45,
        },
    ),
    (
        "Hold 20% at the DC and push the rest to stores; 11-week season from April 14.",
        {
            "dc_holdback_percentage": 0.20,
            "forecast_horizon_weeks": 11,
            "season_start_date": D(2025, 4, 14),
        },
    ),
    (
        "Eight-week capsule from March 10 with a clearance at week 6 if less than half has sold.",
        {
            "forecast_horizon_weeks": 8,
            "season_start_date": D(2025, 3, 10),
            "markdown_checkpoint_week": 6,
            "markdown_threshold": 0.5,
        },
    ),
    (
        "Start 2025-05-19, 10 wks, replenish weekly.",
        {
            "season_start_date": D(2025, 5, 19),
            "forecast_horizon_weeks": 10,
            "replenishment_strategy": "weekly",
        },
    ),
    (
        "Please plan 12 weeks from Feb 24 with 10% kept back in the warehouse and weekly "
        "replenishment.",
        {
            "forecast_horizon_weeks": 12,
            "season_start_date": D(2025, 2, 24),
            "dc_holdback_percentage": 0.10,
            "replenishment_strategy": "weekly",
        },
    ),
    (
        "Quarter-long season from 1st September, reorders every two weeks, markdown at week 7 if "
        "sell-through below 50 percent.",
        {
            "forecast_horizon_weeks": 13,
            "season_start_date": D(2025, 9, 1),
            "replenishment_strategy": "bi-weekly",
            "markdown_checkpoint_week": 7,
            "markdown_threshold": 0.50,
        },
    ),
    (
        "Short 4-week promo starting the first Monday of October, no DC holdback, no markdown.",
        {
            "forecast_horizon_weeks": 4,
            "season_start_date": D(2025, 10, 6),
            "dc_holdback_percentage": 0.0,
            "markdown_checkpoint_week": None,
            "markdown_threshold": None,
        },
    ),
]
