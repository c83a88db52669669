"""Load on the resource endpoints, the what-if, the economics and the workflow stream (run by
scripts/loadtest).

Environment: PLANNER_TOKEN (an API token with the planner role), PLANNER_WORKFLOW and
PLANNER_FORECAST (ids of a season that has run), PLANNER_THINK ("0.05-0.2": seconds each
client waits between requests). Every request is counted by locust; a stream
"request" is one connection that receives the workflow's whole replay.
"""

from __future__ import annotations

import json
import os
import time
from urllib.parse import urlparse

import locust  # noqa: F401  # first: patches sockets for gevent before websocket-client
import websocket
from locust import FastHttpUser, User, between, task

TOKEN = os.environ["PLANNER_TOKEN"]
WORKFLOW = os.environ["PLANNER_WORKFLOW"]
FORECAST = os.environ["PLANNER_FORECAST"]
AUTH = {"Authorization": f"Token {TOKEN}"}
THINK_MIN, THINK_MAX = (float(x) for x in os.environ.get("PLANNER_THINK", "0.05-0.2").split("-"))


class Integration(FastHttpUser):
    """A script reading plans: the resource endpoints."""

    weight = 4
    wait_time = between(THINK_MIN, THINK_MAX)

    def _get(self, path: str, name: str) -> None:
        self.client.get(path, headers=AUTH, name=name)

    @task(3)
    def stores(self) -> None:
        self._get("/api/stores?page_size=50", "/api/stores")

    @task
    def clusters(self) -> None:
        self._get("/api/stores/clusters", "/api/stores/clusters")

    @task
    def categories(self) -> None:
        self._get("/api/categories", "/api/categories")

    @task(2)
    def workflow(self) -> None:
        self._get(f"/api/workflows/{WORKFLOW}", "/api/workflows/{id}")

    @task
    def forecast(self) -> None:
        self._get(f"/api/forecasts/{FORECAST}", "/api/forecasts/{id}")

    @task
    def allocation(self) -> None:
        self._get(f"/api/allocations/{FORECAST}", "/api/allocations/{forecast_id}")

    @task
    def variance(self) -> None:
        self._get(f"/api/variance/{FORECAST}/week/1", "/api/variance/{id}/week/{n}")

    @task
    def health(self) -> None:
        self._get("/api/health", "/api/health")


class Planner(FastHttpUser):
    """A planner trying policies in the what-if and keeping the economics: a run is seconds of
    CPU, so the server answers 429 with Retry-After beyond one run per user and
    SIMULATIONS_PER_PROCESS per process; that answer counts as served."""

    weight = 1
    wait_time = between(1, 3)

    @task(3)
    def what_if(self) -> None:
        with self.client.post(
            f"/api/workflows/{WORKFLOW}/what-if",
            json={"paths": 10, "search_paths": 3},
            headers=AUTH,
            name="/api/workflows/{id}/what-if",
            catch_response=True,
        ) as answer:
            if answer.status_code == 429 and answer.headers.get("Retry-After"):
                answer.success()

    @task
    def economics(self) -> None:
        self.client.put(
            "/api/categories/womens-dresses/economics",
            json={"price": None, "unit_cost": None, "salvage_value": None, "shipment_cost": 0},
            headers=AUTH,
            name="/api/categories/{slug}/economics",
        )


class StreamWatcher(User):
    """A dashboard opening the workflow's stream and reading its replay to the end."""

    weight = 1
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        self.replay_length: int | None = None

    @task
    def watch(self) -> None:
        netloc = urlparse(str(self.host)).netloc
        started = time.perf_counter()
        error: Exception | None = None
        received = 0
        try:
            client = websocket.create_connection(
                f"ws://{netloc}/api/workflows/{WORKFLOW}/stream",
                header=[f"Authorization: Token {TOKEN}"],
                origin=f"http://{netloc}",
                timeout=10,
            )
            try:
                while True:
                    message = json.loads(client.recv())
                    received += 1
                    if message["type"] in ("workflow_complete", "workflow_failed"):
                        break
            finally:
                client.close()
        except Exception as exc:  # counted as a failed request by locust
            error = exc
        self.environment.events.request.fire(
            request_type="WS",
            name="/api/workflows/{id}/stream (replay)",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=received,
            exception=error,
            context={},
        )
