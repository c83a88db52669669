"""`manage.py benchmark_chain`: a generated chain imported and planned on a throwaway database,
in this process or as Celery tasks on worker processes it starts."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from planner.management.commands.benchmark_chain import wait_until_planned
from planner.tests.factories import WorkflowFactory
from shared.choices import WorkflowStatus
from tests.servers import ROOT

pytestmark = pytest.mark.services


def benchmark_chain(*options: str, **env: str) -> str:
    run = subprocess.run(
        [sys.executable, "manage.py", "benchmark_chain", "--stores", "24", *options],
        cwd=ROOT,
        env={**os.environ, "LOG_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def test_a_small_chain_is_imported_and_every_category_planned(tmp_path) -> None:
    out = benchmark_chain("--categories", "1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert "import 24 stores" in out
    assert re.search(r"store profiles \(recent weeks by store\)\s+[\d.]+ s  per category", out)
    assert re.search(r"plan 1 categories \(in this process\).*1 awaiting approval", out)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("CELERY_BROKER_URL"),
    reason="needs PostgreSQL and a Celery broker (scripts/test starts them)",
)
def test_the_categories_are_planned_by_celery_workers_on_their_own_queue() -> None:
    out = benchmark_chain("--categories", "2", "--workers", "1")

    assert "1 Celery worker ready on queue chain_benchmark" in out
    assert re.search(r"plan 2 categories \(1 Celery worker\).*2 awaiting approval", out)


def test_workers_need_a_broker_and_postgresql(settings) -> None:
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(CommandError, match="--workers needs a broker"):
        call_command("benchmark_chain", "--workers", "2")

    if connection.vendor == "sqlite":
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/1"
        with pytest.raises(CommandError, match="--workers needs PostgreSQL"):
            call_command("benchmark_chain", "--workers", "2")


@pytest.mark.django_db
def test_waiting_for_the_workers_stops_when_one_exits() -> None:
    WorkflowFactory(status=WorkflowStatus.PLANNING)
    exited = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    exited.wait()

    with pytest.raises(CommandError, match="a Celery worker exited with code 3; 1 categor"):
        wait_until_planned([exited], say=print)


@pytest.mark.django_db
def test_waiting_for_the_workers_stops_when_no_season_finishes_planning() -> None:
    stuck = WorkflowFactory(status=WorkflowStatus.PLANNING)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with pytest.raises(
            CommandError, match=rf"no category finished planning in 1 s.*{stuck.pk}"
        ):
            wait_until_planned([alive], say=print, stall_seconds=1)
    finally:
        alive.kill()
        alive.wait()
