"""Writes the deterministic sample data under fixtures/sample/."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from planner.data.fixtures_path import SAMPLE_DIR
from planner.data.sample_data import SEED, write_sample_data


class Command(BaseCommand):
    help = "Generate the sample stores, 2022-2024 daily history and in-season scenarios."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=SAMPLE_DIR, help="Target folder.")
        parser.add_argument("--seed", type=int, default=SEED, help="Random seed.")

    def handle(self, *args: Any, output: Path, seed: int, **options: Any) -> None:
        self.stdout.write(f"Generating sample data (seed {seed}) in {output} ...")
        written = write_sample_data(output, seed=seed)
        for relative, rows in written.items():
            self.stdout.write(f"  {relative}: {rows:,} rows")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files."))
