"""Loads the sample stores and history so the system is usable at once (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from planner.data.fixtures_path import SAMPLE_DIR
from planner.data.sample_data import HISTORY_FILE, STORES_FILE, write_sample_data
from shared import services


class Command(BaseCommand):
    help = "Generate the sample data if missing, then import its stores and sales history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--regenerate", action="store_true", help="Write the sample files again first."
        )

    def handle(self, *args: Any, regenerate: bool, **options: Any) -> None:
        stores_path = SAMPLE_DIR / STORES_FILE
        history_path = SAMPLE_DIR / HISTORY_FILE
        if regenerate or not (stores_path.exists() and history_path.exists()):
            self.stdout.write(f"Generating sample data in {SAMPLE_DIR} ...")
            write_sample_data(SAMPLE_DIR)

        def progress(message: str) -> None:
            self.stdout.write(f"  {message}")

        self.stdout.write(f"Importing {stores_path.name} ...")
        stores = services.stores_import(raw=stores_path.read_bytes(), progress=progress)
        self.stdout.write(
            f"  {stores.rows} stores: {stores.created} created, {stores.updated} updated, "
            f"{stores.unchanged} unchanged"
        )
        self.stdout.write(f"Importing {history_path.name} ...")
        history = services.history_import(raw=history_path.read_bytes(), progress=progress)
        self.stdout.write(
            f"  {history.rows:,} rows: {history.created:,} created, {history.updated:,} "
            f"updated, {history.unchanged:,} unchanged in {history.duration_seconds:.2f} s"
        )
        self.stdout.write(self.style.SUCCESS("Sample data loaded."))
