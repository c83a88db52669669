"""Fixtures shared by every app's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from planner.sample_data import write_sample_data


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sample data, written once per test session."""
    directory = tmp_path_factory.mktemp("sample")
    write_sample_data(directory)
    return directory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(scope="session")
def dresses_history_csv(sample_dir: Path) -> bytes:
    """The sample history of Women's Dresses only (54,800 rows): quicker to import."""
    import pandas as pd

    from planner.sample_data import HISTORY_FILE

    history = pd.read_csv(sample_dir / HISTORY_FILE, dtype=str)
    rows = history[history["category"] == "Women's Dresses"]
    return rows.to_csv(index=False).encode()


@pytest.fixture
def season_data(sample_dir: Path, dresses_history_csv: bytes) -> None:
    """Stores and Women's Dresses history in the database."""
    from planner import services
    from planner.sample_data import STORES_FILE

    services.stores_import(raw=(sample_dir / STORES_FILE).read_bytes())
    services.history_import(raw=dresses_history_csv)
