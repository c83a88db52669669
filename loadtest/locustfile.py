"""Load on the resource endpoints and the workflow stream (run by scripts/loadtest).

Environment: PLANNER_TOKEN (an API token with the viewer role), PLANNER_WORKFLOW and
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
    """A script reading plans: the resource endpoints of SPEC section 6."""

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
