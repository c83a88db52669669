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

H, S, R, B, W, T = (
    "forecast_horizon_weeks",
    "season_start_date",
    "replenishment_strategy",
    "dc_holdback_percentage",
    "markdown_checkpoint_week",
    "markdown_threshold",
)

HELD_OUT: list[tuple[str, dict[str, object]]] = [
    (
        "Winter coats, 14 weeks starting 6 October 2025. Top up the stores every week and keep "
        "15% in reserve at the DC.",
        {H: 14, S: D(2025, 10, 6), R: "weekly", B: 0.15},
    ),
    (
        "Spring knitwear from March 17 for 11 weeks, restock every fortnight, markdown review at "
        "week 7 if sell-thru is below 45%.",
        {H: 11, S: D(2025, 3, 17), R: "bi-weekly", W: 7, T: 0.45},
    ),
    (
        "Launch swimwear on May 12th. Season length 15 weeks. No top-ups after the first drop.",
        {S: D(2025, 5, 12), H: 15, R: "none"},
    ),
    (
        "12 week season, start next Monday, hold 25% back in the warehouse.",
        {H: 12, S: D(2025, 1, 20), B: 0.25},
    ),
    (
        "I need a plan for linen trousers: 10 weeks from the 2nd of June, bi weekly "
        "replenishment, 20 per cent held at the distribution centre.",
        {H: 10, S: D(2025, 6, 2), R: "bi-weekly", B: 0.20},
    ),
    (
        "Eight weeks of party dresses beginning December 1st, everything goes straight to the "
        "stores, clearance in week 6 if under 50% sold.",
        {H: 8, S: D(2025, 12, 1), B: 0.0, W: 6, T: 0.50},
    ),
    (
        "Plan 16 weeks from 2025-04-07 with replenishment every other week and a third of the "
        "buy kept at the DC.",
        {H: 16, S: D(2025, 4, 7), R: "bi-weekly", B: 0.33},
    ),
    (
        "Sandals: 9 weeks starting April 28 2025, weekly replenishmnet, hold back 35 %.",
        {H: 9, S: D(2025, 4, 28), R: "weekly", B: 0.35},
    ),
    (
        "Season starts on the first Monday of September and lasts 13 weeks. Mark down at week 9 "
        "if we've sold under 60 percent.",
        {S: D(2025, 9, 1), H: 13, W: 9, T: 0.60},
    ),
    ("6 weeks, one drop only, no markdown.", {H: 6, R: "none", W: None, T: None}),
    (
        "Hoodies for autumn: twelve weeks from 15 Sept, restock weekly, 40% DC holdback, "
        "markdown at week 8 when sell-through is less than 55%.",
        {H: 12, S: D(2025, 9, 15), R: "weekly", B: 0.40, W: 8, T: 0.55},
    ),
    (
        "Run a 10-week season from 3 November with fortnighly deliveries to stores.",
        {H: 10, S: D(2025, 11, 3), R: "bi-weekly"},
    ),
    (
        "Keep nothing back at the DC; 7 weeks starting March 31.",
        {B: 0.0, H: 7, S: D(2025, 3, 31)},
    ),
    (
        "Twenty weeks from July 7th, weekly restocks, a quarter of the stock held in the "
        "warehouse.",
        {H: 20, S: D(2025, 7, 7), R: "weekly", B: 0.25},
    ),
    (
        "Start on 2025-08-18 for six weeks. Reduce prices in week 4 if sell-through is below 35%.",
        {S: D(2025, 8, 18), H: 6, W: 4, T: 0.35},
    ),
    (
        "For the holiday knit range: 8 wks from Nov 10, restock every 2 weeks.",
        {H: 8, S: D(2025, 11, 10), R: "bi-weekly"},
    ),
    (
        "We want 50% of the order to stay at the DC, with weekly replenishment over a 12-week "
        "season starting the first Monday of next month.",
        {B: 0.50, R: "weekly", H: 12, S: D(2025, 2, 3)},
    ),
    (
        "A 14-week season from the last Monday of February, shipping weekly, markdown check in "
        "week 10.",
        {S: D(2025, 2, 24), H: 14, R: "weekly", W: 10},
    ),
    (
        "ten weeks, startng 2025-03-03, replenish fortnightly, 30% warehouse reserve",
        {H: 10, S: D(2025, 3, 3), R: "bi-weekly", B: 0.30},
    ),
    (
        "Allocate 80% to the stores up front and keep the rest at the DC. 12 weeks from June 16.",
        {B: 0.20, H: 12, S: D(2025, 6, 16)},
    ),
    (
        "Beachwear, 10 weeks from 9 June, single allocation with no replenishment, discount at "
        "week 7 if sell through is under 50%.",
        {H: 10, S: D(2025, 6, 9), R: "none", W: 7, T: 0.50},
    ),
    (
        "Plan a 3 month season beginning 5 January 2026 with weekly replenishment.",
        {H: 13, S: D(2026, 1, 5), R: "weekly"},
    ),
    (
        "Coats: start Oct 13, run 16 weeks, hold back a fifth in the DC, markdown at week 12 if "
        "less than 40% has sold.",
        {S: D(2025, 10, 13), H: 16, B: 0.20, W: 12, T: 0.40},
    ),
    (
        "Please set up 11 weeks from 21 April, replinish each week.",
        {H: 11, S: D(2025, 4, 21), R: "weekly"},
    ),
    (
        "Knitwear season: 18 weeks starting September 8th, 45% held back in the distribution "
        "center, bi-weekly top ups.",
        {H: 18, S: D(2025, 9, 8), B: 0.45, R: "bi-weekly"},
    ),
    (
        "Start next Monday, 8 weeks, no DC reserve, weekly replenishment.",
        {S: D(2025, 1, 20), H: 8, B: 0.0, R: "weekly"},
    ),
    (
        "Summer tees from May 26 for 12 weeks with a markdown checkpoint at week 8 (sell-through "
        "target 65%).",
        {S: D(2025, 5, 26), H: 12, W: 8, T: 0.65},
    ),
    (
        "Ten-week season from 2025-06-30, weekly replenishment, keep 10 percent at the "
        "warehouse, price cut at week 6 if sell-through falls below 50%.",
        {H: 10, S: D(2025, 6, 30), R: "weekly", B: 0.10, W: 6, T: 0.50},
    ),
    (
        "Holiday gifting: 6 weeks from the first Monday of December, no replenishment, all stock "
        "to stores.",
        {H: 6, S: D(2025, 12, 1), R: "none", B: 0.0},
    ),
    (
        "15 weeks beginning March 3rd 2025, replenishment every week, holdback 20%, mark-down at "
        "week 9 if sell-through < 50%.",
        {H: 15, S: D(2025, 3, 3), R: "weekly", B: 0.20, W: 9, T: 0.50},
    ),
    (
        "A twelve week season starting on 14th April with fortnightly replenishment and 30% of "
        "inventory kept in the DC.",
        {H: 12, S: D(2025, 4, 14), R: "bi-weekly", B: 0.30},
    ),
    (
        "Denim: run for four months from 4 August, weekly top-ups, markdown at week 12.",
        {H: 17, S: D(2025, 8, 4), R: "weekly", W: 12},
    ),
    (
        "Let's do 10 weeks from Monday 10 March; keep back 25% at the warehouse; re-price at "
        "week 6 if we're under 45% sell-through.",
        {H: 10, S: D(2025, 3, 10), B: 0.25, W: 6, T: 0.45},
    ),
    (
        "Starting the Monday after next, a nine-week season, replenishing every week.",
        {S: D(2025, 1, 27), H: 9, R: "weekly"},
    ),
    (
        "Season of 12 weeks from the 1st of September, with 35% hold back at the DC and "
        "markdowns at week 8 if sell through is below 50%.",
        {H: 12, S: D(2025, 9, 1), B: 0.35, W: 8, T: 0.50},
    ),
    (
        "Send everything to the stores at launch on 19 May, 8 weeks, restock weekly.",
        {B: 0.0, S: D(2025, 5, 19), H: 8, R: "weekly"},
    ),
    (
        "14 weeks from March 24 with a mid-season markdown if sell-through is below 50%.",
        {H: 14, S: D(2025, 3, 24), W: 7, T: 0.50},
    ),
    (
        "Plan outerwear for 12 weeks from 2025-10-20: weekly replenishment, 25 percent DC "
        "holdback, no markdowns.",
        {H: 12, S: D(2025, 10, 20), R: "weekly", B: 0.25, W: None, T: None},
    ),
    (
        "Two-month season from 1 March with no replenishment and half the stock kept in the "
        "warehouse.",
        {H: 9, S: D(2025, 3, 1), R: "none", B: 0.50},
    ),
    (
        "Start Feb 17 and run 10 weeks, replenish bi-weekly, discount at week 6 if sell-through "
        "is below 40 percent.",
        {S: D(2025, 2, 17), H: 10, R: "bi-weekly", W: 6, T: 0.40},
    ),
]
