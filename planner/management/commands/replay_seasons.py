"""Replays rolling seasons over a real sales history (planner.engine.replay) and prints, per
season and in total, what the plan as proposed, the push baseline and the recommended policy
would have sold, lost, left over and earned. Reads files only; the database is not touched."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.engine.replay import (
    POLICIES,
    ReplayedSeason,
    ReplayError,
    ReplaySettings,
    replay_history,
    totals,
)
from planner.season.policy import safety_stock_for, season_policy
from shared.economics import economics_with_defaults

COLUMNS = {"date", "store_id", "category", "quantity_sold"}


def _money(value: float) -> str:
    return f"{value:,.0f}"


class Command(BaseCommand):
    help = (
        "Season replay on a real history: rolling 12-week seasons, each planned from the data "
        "before it and served with the real weekly sales per store as demand, under the plan "
        "as proposed, the push baseline and the recommended policy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--history", required=True, help="history CSV (.csv or .csv.gz)")
        parser.add_argument("--stores", help="store attributes CSV: only these stores (optional)")
        parser.add_argument("--every", type=int, default=8, help="weeks between season starts")
        parser.add_argument("--years", type=float, default=2.0, help="years of seasons replayed")
        parser.add_argument("--weeks", type=int, default=12, help="weeks in a season")
        parser.add_argument("--strategy", default="weekly", help="weekly, bi-weekly or none")
        parser.add_argument(
            "--search-paths",
            type=int,
            default=20,
            help="paths the recommended policy is searched on (the what-if's default is 40)",
        )
        parser.add_argument("--workers", type=int, default=2, help="processes (categories)")
        parser.add_argument("--seasons", action="store_true", help="print every season's row")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        frame = self._read(Path(options["history"]))
        if options["stores"]:
            listed = set(pd.read_csv(options["stores"], dtype=str)["store_id"].str.strip())
            frame = frame[frame["store_id"].isin(listed)]
        if options["strategy"] not in ("weekly", "bi-weekly", "none"):
            raise CommandError("--strategy is weekly, bi-weekly or none")
        planning = django_settings.PLANNING
        units = float(frame["quantity_sold"].sum())
        revenue = float(frame["revenue"].sum()) if "revenue" in frame else None
        economics = economics_with_defaults(
            price=None,
            unit_cost=None,
            salvage_value=None,
            shipment_cost=0.0,
            history_revenue=revenue if revenue else None,
            history_units=units,
            default_price=planning["DEFAULT_PRICE"],
            cost_share=planning["COST_SHARE"],
            salvage_share=planning["SALVAGE_SHARE"],
        )
        strategy = options["strategy"]
        safety = safety_stock_for(strategy)
        settings = ReplaySettings(
            weeks=options["weeks"],
            strategy=strategy,
            holdback_pct=planning["DEFAULT_DC_HOLDBACK_PCT"] if strategy != "none" else 0.0,
            safety_stock_pct=safety,
            policy=season_policy(
                horizon_weeks=options["weeks"],
                strategy=strategy,
                safety_stock_pct=safety,
                markdown_checkpoint_week=None,
                markdown_threshold=None,
                economics=economics,
            ),
            economics=economics,
            shock_prior_sd=planning["SEASON_SHOCK_SD"],
            shock_prior_seasons=planning["SEASON_SHOCK_PRIOR_SEASONS"],
            clusters=planning["CLUSTERS"],
            search_paths=options["search_paths"],
        )
        try:
            seasons = replay_history(
                frame,
                settings,
                every_weeks=options["every"],
                years=options["years"],
                workers=options["workers"],
                progress=self._progress,
            )
        except ReplayError as error:
            raise CommandError(f"cannot replay {options['history']}: {error}") from None
        sys.stderr.write("\n")
        self.stdout.write(
            f"{len(frame):,} rows, {frame['date'].min()} .. {frame['date'].max()}; "
            f"{len(seasons)} seasons of {settings.weeks} weeks ({frame['category'].nunique()} "
            f"categories, a start every {options['every']} weeks over {options['years']:g} "
            f"years); {strategy} replenishment, {settings.holdback_pct:.0%} DC holdback, "
            f"{safety:.0%} safety stock; price {economics.price:.2f} "
            f"({economics.sources['price']}), cost {economics.unit_cost:.2f}, "
            f"salvage {economics.salvage_value:.2f}"
        )
        if options["seasons"]:
            self._season_rows(seasons)
        self._totals(seasons)
        self.stdout.write(f"\n{time.perf_counter() - started:.0f} s")

    def _read(self, path: Path) -> pd.DataFrame:
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        frame = pd.read_csv(path, dtype={"store_id": str, "category": str})
        missing = COLUMNS - set(frame.columns)
        if missing:
            raise CommandError(f"{path} lacks the columns {', '.join(sorted(missing))}")
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        return frame

    def _progress(self, message: str) -> None:
        sys.stderr.write(f"\r  {message[:70]:70}")
        sys.stderr.flush()

    def _season_rows(self, seasons: list[ReplayedSeason]) -> None:
        """One row per season and policy: the season's forecast and interval, then what the
        policy sold, lost, left and earned."""
        heads = [
            "category",
            "start",
            "forecast",
            "demand",
            "80 % interval",
            "inside",
            "shock sd",
            "policy",
            "sold",
            "lost",
            "left at stores",
            "left at the DC",
            "DC never shipped",
            "stockout store-weeks while the DC held stock",
            "revenue",
            "gross margin",
        ]
        self.stdout.write("\n| " + " | ".join(heads) + " |")
        self.stdout.write("|" + "---|" * len(heads))
        for season in seasons:
            low, high = season.interval_80
            inside = "yes" if season.inside_80 else ("above" if season.above_80 else "below")
            for label in POLICIES:
                o = season.outcomes[label]
                never = o.leftover_dc / o.holdback_units if o.holdback_units else 0.0
                cells = [
                    season.category,
                    str(season.start),
                    f"{season.forecast_units:,.0f}",
                    f"{season.demand_units:,}",
                    f"{low:,.0f} .. {high:,.0f}",
                    inside,
                    f"{season.shock_sd:.3f}",
                    label,
                    f"{o.sold:,}",
                    f"{o.lost:,}",
                    f"{o.leftover_stores:,}",
                    f"{o.leftover_dc:,}",
                    f"{never:.1%}",
                    f"{o.stockouts_while_dc_held_stock:,} of {o.stockout_store_weeks:,}",
                    _money(o.revenue),
                    _money(o.gross_margin),
                ]
                self.stdout.write("| " + " | ".join(cells) + " |")

    def _totals(self, seasons: list[ReplayedSeason]) -> None:
        rows = {label: totals(seasons, label) for label in POLICIES}
        heads = [
            ("demand", "demand"),
            ("sold", "sold"),
            ("lost", "lost"),
            ("leftover_stores", "left at stores"),
            ("leftover_dc", "left at the DC"),
            ("stockout_store_weeks", "stockout store-weeks"),
            ("stockouts_while_dc_held_stock", "of them while the DC held stock"),
            ("stockouts_rationed", "of them in rationed weeks"),
            ("short_with_dc_left", "seasons short with >10 % of the holdback unshipped"),
            ("revenue", "revenue"),
            ("gross_margin", "gross margin"),
            ("mean_margin", "mean margin a season"),
            ("p10_margin", "P10 margin a season"),
        ]
        self.stdout.write(
            "\n| policy | " + " | ".join(h for _, h in heads) + " | DC never shipped |"
        )
        self.stdout.write("|" + "---|" * (len(heads) + 2))
        for label, row in rows.items():
            never = row["leftover_dc"] / row["holdback"] if row["holdback"] else 0.0
            cells = [_money(row[key]) for key, _ in heads]
            self.stdout.write(f"| {label} | " + " | ".join(cells) + f" | {never:.1%} |")
        inside = sum(s.inside_80 for s in seasons)
        above = [s for s in seasons if s.above_80]
        self.stdout.write(
            f"\nseason totals inside the forecast's 80 % interval: {inside} of {len(seasons)} "
            f"({inside / len(seasons):.0%}); above it: {len(above)}"
        )
        plan, best = rows[POLICIES[0]], rows[POLICIES[2]]
        self.stdout.write(
            f"recommended vs plan as proposed: mean margin {_money(best['mean_margin'])} vs "
            f"{_money(plan['mean_margin'])}, P10 margin {_money(best['p10_margin'])} vs "
            f"{_money(plan['p10_margin'])}"
        )
        if above:
            lost_plan = sum(s.outcomes[POLICIES[0]].lost for s in above)
            lost_best = sum(s.outcomes[POLICIES[2]].lost for s in above)
            extra = (lost_best - lost_plan) / lost_plan if lost_plan else 0.0
            self.stdout.write(
                f"seasons above the 80 % interval: the recommended policy lost {lost_best:,} "
                f"units against the plan's {lost_plan:,} ({extra:+.1%})"
            )
