"""Running manage.py in another process against the test database (for tests that kill it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]


def current_database_url() -> str:
    """The URL of the database this test runs on (the test database, not the configured one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "LOG_FILE": "",
        "WORKFLOW_RECOVER_ON_START": "false",
        **extra,
    }
