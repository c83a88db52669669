"""Rolling-origin benchmark of the forecast and the store split on any history file in the
planner's format (`date,store_id,category,quantity_sold[,revenue]`, daily or weekly, .csv or
.csv.gz). Reads files only; the database is not touched."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from allocation.engine.split_benchmark import SplitScore, split_scores
from forecasting.engine.benchmark import METHOD_LABELS, PEERS, forecast_scores, origins_for

DEFAULT_METHODS = "ensemble,arima,sarima,mstl,ratio,seasonal_naive,autoets,mstl_raw,prophet"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}"


class Command(BaseCommand):
    help = (
        "Rolling-origin benchmark: forecast accuracy (chain and store level), interval "
        "coverage by weeks ahead, season-total coverage and CRPS, store-split error and "
        "seconds per forecast."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--history", required=True, help="history CSV (.csv or .csv.gz)")
        parser.add_argument(
            "--stores", help="store attributes CSV: only these stores are split (optional)"
        )
        parser.add_argument("--origins", type=int, default=7)
        parser.add_argument("--step", type=int, default=8, help="weeks between origins")
        parser.add_argument("--horizon", type=int, default=12, help="weeks forecast")
        parser.add_argument(
            "--methods",
            default=DEFAULT_METHODS,
            help=f"comma-separated, of ensemble,{','.join(PEERS)} (default {DEFAULT_METHODS})",
        )
        parser.add_argument(
            "--levels", default="chain,stores", help="chain, stores or both (default both)"
        )
        parser.add_argument(
            "--max-store-series",
            type=int,
            default=0,
            help="forecast only the first N store x category series (0: all)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        methods = [m.strip() for m in options["methods"].split(",") if m.strip()]
        unknown = [m for m in methods if m != "ensemble" and m not in PEERS]
        if unknown:
            raise CommandError(f"unknown methods: {', '.join(unknown)}")
        frame = self._read(Path(options["history"]))
        if options["stores"]:
            listed = set(pd.read_csv(options["stores"], dtype=str)["store_id"].str.strip())
            frame = frame[frame["store_id"].isin(listed)]
        horizon = options["horizon"]
        last_day = frame["date"].max()
        origins = origins_for(
            last_day, count=options["origins"], step_weeks=options["step"], horizon=horizon
        )
        self.stdout.write(
            f"{len(frame):,} rows, {frame['date'].min()} .. {last_day}, "
            f"{frame['category'].nunique()} categories, {frame['store_id'].nunique()} stores; "
            f"{len(origins)} origins {origins[0]} .. {origins[-1]}, {options['step']} weeks "
            f"apart, {horizon} weeks ahead"
        )

        store_daily: dict[str, dict[str, dict[dt.date, float]]] = defaultdict(dict)
        for (category, store), rows in frame.groupby(["category", "store_id"]):
            store_daily[str(category)][str(store)] = dict(
                zip(rows["date"], rows["quantity_sold"].astype(float), strict=True)
            )
        levels = [level.strip() for level in options["levels"].split(",")]
        for level in levels:
            if level == "chain":
                series = {
                    category: self._sum(stores.values())
                    for category, stores in sorted(store_daily.items())
                }
            elif level == "stores":
                series = {
                    f"{category} / {store}": daily
                    for category, stores in sorted(store_daily.items())
                    for store, daily in sorted(stores.items())
                }
                if options["max_store_series"]:
                    series = dict(list(series.items())[: options["max_store_series"]])
            else:
                raise CommandError(f"unknown level {level!r}: chain or stores")
            scores, picks = forecast_scores(
                series, origins, horizon=horizon, methods=methods, progress=self._progress
            )
            sys.stderr.write("\n")
            self._forecast_table(level, len(series), scores, picks)
        self._split_table(split_scores(store_daily, origins, horizon=horizon))

    def _read(self, path: Path) -> pd.DataFrame:
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        frame = pd.read_csv(path, dtype={"store_id": str, "category": str})
        missing = {"date", "store_id", "category", "quantity_sold"} - set(frame.columns)
        if missing:
            raise CommandError(f"{path} lacks the columns {', '.join(sorted(missing))}")
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        return frame

    @staticmethod
    def _sum(parts: Any) -> dict[dt.date, float]:
        total: dict[dt.date, float] = defaultdict(float)
        for daily in parts:
            for day, units in daily.items():
                total[day] += units
        return dict(total)

    def _progress(self, message: str) -> None:
        sys.stderr.write(f"\r  {message[:70]:70}")
        sys.stderr.flush()

    def _forecast_table(
        self, level: str, count: int, scores: dict[str, Any], picks: dict[str, float]
    ) -> None:
        rows = {name: score.row() for name, score in scores.items()}
        buckets = sorted(
            {
                int(key.split("_")[1])
                for row in rows.values()
                for key in row
                if key.startswith("cov80_")
            }
        )
        self.stdout.write(f"\n{level}: {count} series\n")
        coverage_heads = [
            f"{z} % cover wk {4 * b + 1}-{4 * b + 4}" for z in (80, 95) for b in buckets
        ]
        header = ["method", "WAPE %", "MAPE %", "bias %", "season total error %", "MASE"]
        header += [
            *coverage_heads,
            "80 % cover season total",
            "95 % cover season total",
            "season CRPS % of total",
            "s/forecast",
        ]
        self.stdout.write("| " + " | ".join(header) + " |")
        self.stdout.write("|" + "---|" * len(header))
        best = min(
            (row["wape"] for name, row in rows.items() if name != "ensemble" and row["wape"]),
            default=None,
        )
        for name, row in rows.items():
            cells = [
                METHOD_LABELS.get(name, name),
                _percent(row["wape"]),
                _percent(row["mape"]),
                _percent(row["bias"]),
                _percent(row["total_error"]),
                "-" if row["mase"] is None else f"{row['mase']:.3f}",
            ]
            cells += [_percent(row.get(f"cov{z}_{b}")) for z in (80, 95) for b in buckets]
            cells += [_percent(row[key]) for key in ("season_cov80", "season_cov95", "season_crps")]
            cells.append("-" if row["seconds"] is None else f"{row['seconds']:.3f}")
            self.stdout.write("| " + " | ".join(cells) + " |")
        if "ensemble" in rows and best is not None and rows["ensemble"]["wape"] is not None:
            verdict = "at or below" if rows["ensemble"]["wape"] <= best else "ABOVE"
            self.stdout.write(
                f"ensemble WAPE {100 * rows['ensemble']['wape']:.2f} % is {verdict} the best "
                f"single method's {100 * best:.2f} %; the heavier-weighted member was the "
                f"better one in {100 * picks['picked_better']:.0f} % of weighted pairs"
            )

    def _split_table(self, results: list[SplitScore]) -> None:
        if not results:
            return
        names = list(results[0].errors)
        self.stdout.write("\nstore split: misallocated share of units, % (mean of origins)\n")
        self.stdout.write(
            "| category | stores | " + " | ".join(names) + " | rules chosen (by origin) |"
        )
        self.stdout.write("|" + "---|" * (len(names) + 3))
        for result in results:
            cells = [f"{100 * result.errors[n]:.2f}" for n in names]
            chosen = Counter(result.rules).most_common()
            windows = ", ".join(f"{label} x{count}" for label, count in chosen)
            self.stdout.write(
                f"| {result.category} | {result.stores} | " + " | ".join(cells) + f" | {windows} |"
            )
        means = [sum(r.errors[n] for r in results) / len(results) for n in names]
        self.stdout.write("| mean | | " + " | ".join(f"{100 * m:.2f}" for m in means) + " | |")
