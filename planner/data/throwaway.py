"""A throwaway database of the configured engine for the benchmark commands."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import close_old_connections, connection


@contextmanager
def throwaway_database(name: str) -> Iterator[Path]:
    """Creates an empty, migrated database next to the configured one and drops it after:
    for SQLite a file in a temporary folder (real disk writes, not memory), for PostgreSQL
    the database `planner_<name>`. Yields the temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = (
            str(Path(folder) / f"{name}.sqlite3")
            if connection.vendor == "sqlite"
            else f"planner_{name}"
        )
        original_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            yield Path(folder)
        finally:
            release_connections()
            connection.creation.destroy_test_db(original_name, verbosity=0)


def release_connections() -> None:
    """Closes this process's hold on the database, so it can be dropped: other threads'
    connections (workflow threads, Channels' database threads) and the PostgreSQL pool."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Client sessions only: an autovacuum worker on a large table belongs to the
            # superuser (not ours to end), and DROP DATABASE stops it itself.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
    close_old_connections()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()  # type: ignore[attr-defined]
