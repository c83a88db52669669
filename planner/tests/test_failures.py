"""Faults made for real: a locked database, an unreachable one, a worker killed mid-step."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from forecasting.models import Forecast
from planner.models import SeasonParameters, Workflow, WorkflowEvent
from planner.tests.factories import WorkflowFactory
from planner.tests.processes import MANAGE, process_env
from planner.tests.seasons import PARAMETERS
from shared.models import Category, Store

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def reconnected(**changes: Any) -> Iterator[None]:
    """Django's connection reopened with changed settings, then restored."""
    original = {key: connection.settings_dict[key] for key in changes}
    original_options = dict(connection.settings_dict.get("OPTIONS", {}))
    _disconnect()
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        _disconnect()
        connection.settings_dict.update(original)
        connection.settings_dict["OPTIONS"] = original_options


def _disconnect() -> None:
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()  # the next connection builds a pool from the new settings


@contextmanager
def sqlite_write_lock() -> Iterator[None]:
    """Another process-level connection holds the database's write lock."""
    holder = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def start_body() -> dict:
    return {"category": "womens-dresses", "parameters": PARAMETERS}


@override_settings(WORKFLOW_EXECUTION="inline")
def test_a_locked_database_answers_503_and_writes_nothing(
    season_data, api_client: APIClient
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows, not the database")
    options = {**connection.settings_dict["OPTIONS"], "timeout": 0.2}
    with reconnected(OPTIONS=options), sqlite_write_lock():
        refused = api_client.post("/api/workflows/forecast", start_body(), format="json")
        upload = api_client.post(
            "/api/data/upload-store-attributes",
            {"file": SimpleUploadedFile("stores.csv", b"store_id\nS999\n")},
            format="multipart",
        )

    assert refused.status_code == 503
    assert refused["Retry-After"] == "5"
    assert refused.json()["message"].startswith("The database is busy or unreachable")
    assert upload.status_code == 503
    assert Workflow.objects.count() == 0
    assert SeasonParameters.objects.count() == 0
    assert not Store.objects.filter(id="S999").exists()
    retried = api_client.post("/api/workflows/forecast", start_body(), format="json")
    assert retried.status_code == 201


def test_an_unreachable_database_answers_503_on_api_and_pages(member) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {member.auth_token.key}")
    if connection.vendor == "sqlite":
        unreachable = {"NAME": "/nonexistent-folder/db.sqlite3"}
    else:
        unreachable = {"HOST": "127.0.0.1", "PORT": "9"}  # nothing listens on the discard port

    with reconnected(**unreachable):
        api_answer = api.get("/api/categories")
        page = api.get("/accounts/login/")
        health = api.get("/api/health")

    assert api_answer.status_code == 503
    assert api_answer.json()["status"] == 503
    assert page.status_code == 200  # the sign-in page needs no database
    assert health.status_code == 503
    assert health.json()["database"]["ok"] is False
    assert api.get("/api/categories").status_code == 200


def _wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_a_worker_killed_mid_step_is_resumed_and_the_step_reruns_once(season_data) -> None:
    workflow = WorkflowFactory(category=Category.objects.get(slug="womens-dresses"))
    env = process_env(WORKFLOW_EXECUTION="inline")
    worker = subprocess.Popen(
        [*MANAGE, "resume_workflows"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The demand step has started (its event is stored): kill the worker in the forecast.
        _wait_for(
            lambda: WorkflowEvent.objects.filter(
                workflow=workflow, type="agent_started", agent="demand"
            ).exists()
        )
        worker.kill()
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    workflow.refresh_from_db()
    assert workflow.status == "planning"
    assert workflow.current_agent == "demand"
    assert Forecast.objects.filter(workflow=workflow).count() == 0

    listed = subprocess.run(
        [*MANAGE, "resume_workflows", "--list"], env=env, capture_output=True, text=True
    )
    assert f"season {workflow.pk} (planning) at demand" in listed.stdout
    resumed = subprocess.run(
        [*MANAGE, "resume_workflows"], env=env, capture_output=True, text=True, timeout=300
    )

    assert resumed.returncode == 0, resumed.stderr
    assert "-> waiting for the order approval" in resumed.stdout
    workflow.refresh_from_db()
    assert workflow.status == "awaiting_order"
    assert Forecast.objects.filter(workflow=workflow).count() == 1
    started = WorkflowEvent.objects.filter(workflow=workflow, type="agent_started")
    assert [e.agent for e in started.order_by("sequence")] == [
        "orchestrator",
        "demand",
        "demand",
        "inventory",
    ]


def test_a_step_the_database_refuses_is_retried_then_left_for_resume(season_data, caplog) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock makes the fault")
    from planner.season.runner import run_with_retries

    workflow = WorkflowFactory(category=Category.objects.get(slug="womens-dresses"))
    options = {**connection.settings_dict["OPTIONS"], "timeout": 0.1}
    with reconnected(OPTIONS=options):
        # Locked throughout: two attempts fail, the workflow is left as it was, not failed.
        with sqlite_write_lock():
            run_with_retries(workflow.pk, delays=(0.2,))
        workflow.refresh_from_db()
        assert workflow.status == "pending"
        assert "retrying in 0 s" in caplog.text
        assert "resume it with manage.py resume_workflows" in caplog.text

        # Locked for the first attempt only: the retry runs the steps through.
        holder = sqlite_write_lock()
        holder.__enter__()
        releaser = threading.Timer(0.5, holder.__exit__, args=(None, None, None))
        releaser.start()
        run_with_retries(workflow.pk, delays=(1.0,))
        releaser.join()

    workflow.refresh_from_db()
    assert workflow.status == "awaiting_order"
    assert Forecast.objects.filter(workflow=workflow).count() == 1


def test_health_reports_a_database_that_cannot_write_and_liveness_stays_up(
    anonymous_client: APIClient,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a read-only SQLite file makes the fault")
    read_only = {
        "NAME": f"file:{connection.settings_dict['NAME']}?mode=ro",
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "uri": True},
    }
    with reconnected(**read_only):
        ready = anonymous_client.get("/api/health")
        live = anonymous_client.get("/api/health/live")

    assert ready.status_code == 503
    database = ready.json()["database"]
    assert (database["ok"], database["read"], database["write"]) == (False, True, False)
    assert "readonly" in database["error"]
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert anonymous_client.get("/api/health").json()["database"]["write"] is True
