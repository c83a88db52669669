"""Times the sample-data import on a throwaway database (the configured one is not touched)."""

import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from planner.data import services
from planner.data.sample_data import HISTORY_FILE, STORES_FILE, write_sample_data
from planner.data.throwaway import throwaway_database


class Command(BaseCommand):
    help = "Generate the sample data and time its import (first load and re-import)."

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory() as folder:
            directory = Path(folder)
            started = time.perf_counter()
            write_sample_data(directory / "sample")
            generated = time.perf_counter() - started

            with throwaway_database("import_benchmark"):
                stores_raw = (directory / "sample" / STORES_FILE).read_bytes()
                history_raw = (directory / "sample" / HISTORY_FILE).read_bytes()
                stores = services.stores_import(raw=stores_raw)
                first = services.history_import(raw=history_raw)
                again = services.history_import(raw=history_raw)

        rows = [
            ("generate sample data", generated, ""),
            (f"import {stores.rows} stores", stores.duration_seconds, ""),
            (
                f"import {first.rows:,} history rows",
                first.duration_seconds,
                f"{first.created:,} created, {first.rows / first.duration_seconds:,.0f} rows/s",
            ),
            (
                "re-import the same history",
                again.duration_seconds,
                f"{again.unchanged:,} unchanged, {again.created} created, {again.updated} updated",
            ),
        ]
        self.stdout.write(f"database: {connection.vendor}")
        for label, seconds, note in rows:
            self.stdout.write(f"{label:<32}{seconds:6.2f} s  {note}".rstrip())
