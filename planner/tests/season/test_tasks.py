"""Workflow steps in a real Celery worker (in-memory transport, worker thread)."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings
from rest_framework.test import APIClient

from planner.celery import app
from planner.tests.seasons import start, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_celery_worker_runs_the_workflow_steps(season_data, api_client: APIClient) -> None:
    app.conf.update(broker_url="memory://", result_backend="cache+memory://")
    with (
        override_settings(WORKFLOW_EXECUTION="celery"),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
    ):
        workflow_id = start(api_client)["workflow_id"]
        workflow = wait_for(workflow_id, {"awaiting_order", "failed"})

    assert workflow.status == "awaiting_order", workflow.error
    assert workflow.events.filter(type="agent_completed").count() == 3
