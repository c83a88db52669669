"""Writes a consistent copy of the database while the server keeps running."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


class Command(BaseCommand):
    help = (
        "Back up the database. SQLite: an online backup (consistent while the server writes). "
        "PostgreSQL: prints the pg_dump command to run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Target file (default var/backups/db-<UTC timestamp>.sqlite3).",
        )

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        database = connections["default"].settings_dict
        if connections["default"].vendor != "sqlite":
            raise CommandError(self._pg_dump_guidance(database))
        source = Path(database["NAME"])
        if not source.exists():
            raise CommandError(f"No database at {source}; run `manage.py migrate` first.")
        if output is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            output = settings.VAR_DIR / "backups" / f"db-{stamp}.sqlite3"
        if output.exists():
            raise CommandError(f"{output} exists; choose another --output.")
        output.parent.mkdir(parents=True, exist_ok=True)
        # sqlite3's backup API copies page by page under the database's own locking, so the
        # copy is one consistent snapshot even while the server writes.
        with sqlite3.connect(source) as src, sqlite3.connect(output) as dst:
            src.backup(dst, pages=1024)
        with sqlite3.connect(output) as check:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise CommandError(f"The backup at {output} failed its integrity check: {result}")
        size = output.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up {source} to {output} ({size:,} bytes)."))

    @staticmethod
    def _pg_dump_guidance(database: dict[str, Any]) -> str:
        host = database.get("HOST") or "localhost"
        port = database.get("PORT") or "5432"
        return (
            "This command makes online backups of SQLite only. For PostgreSQL run pg_dump, "
            "which takes a consistent snapshot while the server runs:\n"
            f"  PGPASSWORD=... pg_dump --format=custom --host={host} --port={port} "
            f"--username={database.get('USER', '')} --file=planner.dump {database['NAME']}\n"
            "and restore with: pg_restore --clean --dbname=<database> planner.dump"
        )
