"""The scaled-out shape for real: two daphne processes and a Celery worker on PostgreSQL, with
Redis as channel layer and broker. A workflow started through one web process runs in the
worker; stream clients on both web processes see every event once, in order.

Runs in the services suite (`scripts/test` starts PostgreSQL and Redis and sets the
variables); on the embedded default there is no Redis to share groups through.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket

from conftest import user_with_roles
from planner.access import ROLES
from planner.tests.processes import process_env
from planner.tests.test_workflows import PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("REDIS_URL", "CELERY_BROKER_URL")

pytestmark = [
    pytest.mark.skipif(
        not all(os.environ.get(name) for name in SERVICES)
        or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL, Redis and a Celery broker (scripts/test starts them)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def cluster(season_data) -> Iterator[dict]:
    env = process_env(WORKFLOW_EXECUTION="celery")
    bin_dir = Path(sys.executable).parent
    worker = subprocess.Popen(
        [
            str(bin_dir / "celery"),
            "-A",
            "planner",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=ROOT,
    )
    ports = [_free_port(), _free_port()]
    webs = [
        subprocess.Popen(
            [
                str(bin_dir / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "planner.asgi:application",
            ],
            env=env,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port, web in zip(ports, webs, strict=True):
            _wait_for_port(port, web)
        yield {"ports": ports}
    finally:
        for process in (*webs, worker):
            process.terminate()
        for process in (*webs, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _post(port: int, path: str, token: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _receive_until(client: websocket.WebSocket, kind: str) -> list[dict]:
    messages = []
    while True:
        message = json.loads(client.recv())
        if message["type"] == "heartbeat":
            continue
        messages.append(message)
        if message["type"] == kind:
            return messages


def test_workers_and_web_processes_share_workflows_and_streams(cluster: dict) -> None:
    token = user_with_roles("member", *ROLES).auth_token.key
    first, second = cluster["ports"]

    started = _post(
        first,
        "/api/workflows/forecast",
        token,
        {"category": "womens-dresses", "parameters": PARAMETERS},
    )
    clients = [
        websocket.create_connection(
            f"ws://127.0.0.1:{port}{started['websocket_url']}",
            header=[f"Authorization: Token {token}"],
            origin=f"http://127.0.0.1:{port}",
            timeout=120,
        )
        for port in (first, first, second, second)
    ]
    try:
        before = [_receive_until(client, "human_input_required") for client in clients]
        # Approved through the other web process; the worker runs Pricing and every client
        # gets its events live, through Redis.
        approval = _post(
            second,
            "/api/approvals/manufacturing",
            token,
            {"workflow_id": started["workflow_id"], "action": "accept"},
        )
        after = [_receive_until(client, "workflow_complete") for client in clients]
    finally:
        for client in clients:
            client.close()

    assert approval["status"] == "running"
    streams = [b + a for b, a in zip(before, after, strict=True)]
    sequences = [[m["sequence"] for m in stream] for stream in streams]
    assert all(s == sequences[0] for s in sequences)
    assert sequences[0] == sorted(set(sequences[0]))  # in order, each event once
    agents = [m.get("agent") for m in streams[0] if m["type"] == "agent_completed"]
    assert agents == ["orchestrator", "demand", "inventory", "pricing"]
    assert [m["type"] for m in after[0]][-1] == "workflow_complete"
