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
