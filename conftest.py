"""Fixtures shared by every app's tests."""

from __future__ import annotations

import faulthandler
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from forecasting import services as forecasting_services
from planner.data.sample_data import (
    HISTORY_FILE,
    STORES_FILE,
    write_chain_history,
    write_sample_data,
)

DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="Run only the tests that use the configured database (a django_db or services "
        "mark, or a database fixture): the second pass of scripts/test, on PostgreSQL and "
        "Redis. The rest (pure engines, real servers on their own SQLite, the browser) do not "
        "depend on the configured services and ran in the first pass.",
    )


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The test process ends right after its tests. If what it waits for at exit (a workflow
    step's thread, a connection pool) still runs two minutes later, every thread's stack is
    printed and the process ends with a failure: a hang at exit shows where it is."""
    faulthandler.dump_traceback_later(120, exit=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        uses_database = (
            item.get_closest_marker("django_db") is not None
            or item.get_closest_marker("services") is not None
            or bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        )
        (keep if uses_database else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sample data, written once per test session."""
    directory = tmp_path_factory.mktemp("sample")
    write_sample_data(directory)
    return directory


@pytest.fixture(scope="session")
def sample_stores_path(sample_dir: Path) -> Path:
    """The sample stores file."""
    return sample_dir / STORES_FILE


@pytest.fixture(scope="session")
def sample_history_path(sample_dir: Path) -> Path:
    """The sample sales history file (every category, three years of daily rows)."""
    return sample_dir / HISTORY_FILE


@pytest.fixture
def chain_history_files(tmp_path: Path) -> tuple[Path, Path]:
    """A generated chain of 120 stores with three years of daily history: the stores file and
    the history file (about 15 MB)."""
    return write_chain_history(tmp_path, stores=120)


def user_with_roles(username: str, *roles: str) -> Any:
    """An active user in the given role groups (planner.access), with an API token."""
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    user = User.objects.create_user(username, password="pw")
    # get_or_create: transactional tests flush the groups that migration 0004 made.
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    Token.objects.create(user=user)
    return user


def token_client(user: Any) -> APIClient:
    """An API client that authenticates as `user` with its token; `.token` is the key."""
    client = APIClient()
    client.token = user.auth_token.key  # type: ignore[attr-defined]
    client.credentials(HTTP_AUTHORIZATION=f"Token {client.token}")  # type: ignore[attr-defined]
    return client


@pytest.fixture
def member(db: None) -> Any:
    """A user who views, plans and approves (through the groups, not as a superuser)."""
    from planner.access import ROLES

    return user_with_roles("member", *ROLES)


@pytest.fixture
def api_client(member: Any) -> APIClient:
    return token_client(member)


@pytest.fixture
def signed_in(client: Any, member: Any) -> Any:
    """Django's test client, signed in as `member` (for the pages)."""
    client.force_login(member)
    return client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Any:
    """pytest-django's test database, released before it is dropped: on PostgreSQL, pooled
    connections and those of worker threads would otherwise keep it from being dropped."""
    yield
    from planner.data.throwaway import release_connections

    with django_db_blocker.unblock():
        release_connections()


@pytest.fixture(scope="session", autouse=True)
def _each_season_forecast_computed_once() -> Iterator[None]:
    """The pre-season ensemble forecast of the same history for the same season, computed
    once a test session and then reused: the ensemble is deterministic for its inputs, and
    at about 5 s a season it was the largest shared cost of the suite (most tests start the
    sample season). Keyed by the daily history itself, the season, the category name and
    the season shock, so any other input computes afresh; errors (too little history) are
    raised each time. The forecast's own tests call the engine directly."""
    computed: dict[tuple[object, ...], Any] = {}
    real = forecasting_services.forecast_category

    def once(daily_units: Mapping[Any, float], season: Any, **options: Any) -> Any:
        key = (tuple(sorted(daily_units.items())), season, tuple(sorted(options.items())))
        if key not in computed:
            computed[key] = real(daily_units, season, **options)
        return computed[key]

    forecasting_services.forecast_category = once  # type: ignore[assignment]
    yield
    forecasting_services.forecast_category = real


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def dresses_history_csv(sample_dir: Path) -> bytes:
    """The sample history of Women's Dresses only (54,800 rows): quicker to import."""
    import pandas as pd

    history = pd.read_csv(sample_dir / HISTORY_FILE, dtype=str)
    rows = history[history["category"] == "Women's Dresses"]
    return rows.to_csv(index=False).encode()


@pytest.fixture
def season_data(sample_dir: Path, dresses_history_csv: bytes) -> None:
    """Stores and Women's Dresses history in the database."""
    from shared import services

    services.stores_import(raw=(sample_dir / STORES_FILE).read_bytes())
    services.history_import(raw=dresses_history_csv)
