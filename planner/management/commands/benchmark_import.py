"""Times the import of generated data on a throwaway database (the configured one is not
touched), with the memory each import takes at its peak."""

import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from planner.data.sample_data import write_chain_history
from planner.data.throwaway import throwaway_database
from shared import services
from shared.peak_memory import PeakMemory, peak_memory

MB = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Generate a chain's history (50 stores: the sample's size) and time its import, "
        "first load and re-import, with the peak memory of each."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stores", type=int, default=50, help="stores (3,288 history rows each)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            stores_path, history_path = write_chain_history(Path(folder), stores=options["stores"])
            generated = time.perf_counter() - started
            size = history_path.stat().st_size

            with throwaway_database("import_benchmark"):
                stores = services.stores_import(raw=stores_path.read_bytes())
                with history_path.open("rb") as file, peak_memory() as first_memory:
                    first = services.history_import(raw=file)
                with history_path.open("rb") as file, peak_memory() as again_memory:
                    again = services.history_import(raw=file)

        def memory(measured: PeakMemory) -> str:
            added = measured.added
            if added is None:
                return ""
            return f"; peak +{added / MB:,.0f} MB, {added / size:.1f}x the file"

        rows = [
            ("generate the data", generated, f"history file {size / MB:,.1f} MB"),
            (f"import {stores.rows} stores", stores.duration_seconds, ""),
            (
                f"import {first.rows:,} history rows",
                first.duration_seconds,
                f"{first.created:,} created, {first.rows / first.duration_seconds:,.0f} rows/s"
                + memory(first_memory),
            ),
            (
                "re-import the same history",
                again.duration_seconds,
                f"{again.unchanged:,} unchanged, {again.created} created, {again.updated} updated"
                + memory(again_memory),
            ),
        ]
        self.stdout.write(f"database: {connection.vendor}")
        for label, seconds, note in rows:
            self.stdout.write(f"{label:<36}{seconds:6.2f} s  {note}".rstrip())
