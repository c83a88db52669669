"""The scaled-out shape for real on PostgreSQL, with Redis as channel layer and broker: one
uvicorn process on one address, two uvicorn worker processes sharing a second address, and a
Celery worker. A workflow started through one address runs in the worker; stream clients on
every web process see every event once, in order.

Runs in the services suite (`scripts/test` starts PostgreSQL and Redis and sets the
variables); on the embedded default there is no Redis to share groups through.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest
import websocket
from channels.layers import get_channel_layer

from conftest import user_with_roles
from forecasting.models import Forecast
from planner.access import ROLES
from planner.models import WorkflowEvent
from planner.season.tasks import advance_workflow
from planner.tests.factories import WorkflowFactory
from planner.tests.processes import process_env
from planner.tests.seasons import PARAMETERS
from planner.tests.streams import collect_until, never_came
from shared.models import Category
from tests.servers import BIN, ROOT, free_port, wait_for_port

SERVICES = ("REDIS_URL", "CELERY_BROKER_URL")

pytestmark = [
    pytest.mark.skipif(
        not all(os.environ.get(name) for name in SERVICES)
        or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL, Redis and a Celery broker (scripts/test starts them)",
    ),
    pytest.mark.django_db(transaction=True),
]


def celery_worker(env: dict[str, str]) -> subprocess.Popen:
    command = [str(BIN / "celery"), "-A", "planner", "worker", "--concurrency", "2"]
    options = ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    return subprocess.Popen([*command, *options], env=env, cwd=ROOT)


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def stop(*processes: subprocess.Popen) -> list[str]:
    """Asks each process to stop (SIGTERM) as a deployment would and gives them 30 s; one still
    running is then killed with its children (a uvicorn or Celery parent's workers), so none
    is left behind. Returns the commands that had to be killed."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + 30
    killed = []
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for child in _children(process.pid):
                os.kill(child, signal.SIGKILL)
            process.kill()
            process.wait()
            killed.append(" ".join(map(str, process.args[:3])))
    return killed


@pytest.fixture
def cluster(season_data) -> Iterator[dict]:
    env = process_env(WORKFLOW_EXECUTION="celery")
    worker = celery_worker(env)
    ports = [free_port(), free_port()]
    # The second address is served by two uvicorn worker processes sharing one socket.
    single, shared = (
        [str(BIN / "uvicorn"), "--host", "127.0.0.1", "--port", str(port)] for port in ports
    )
    webs = [
        subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for command in (
            [*single, "planner.asgi:application"],
            [*shared, "--workers", "2", "planner.asgi:application"],
        )
    ]
    try:
        for port, web in zip(ports, webs, strict=True):
            wait_for_port(port, web)
        yield {"ports": ports}
    finally:
        killed = stop(*webs, worker)
    # Every stream has closed: each process stops by itself, none waits on a closed stream.
    assert killed == [], f"still running 30 s after SIGTERM: {killed}"


def _post(port: int, path: str, token: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _receive_until(client: websocket.WebSocket, kind: str, seconds: float = 300) -> list[dict]:
    """The stream's messages up to the first of `kind`. Heartbeats keep an idle stream open,
    so the wait has a deadline of its own; an error message ends it at once."""
    messages: list[dict] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if collect_until(messages, json.loads(client.recv()), kind):
            return messages
    raise never_came(kind, seconds, messages)


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
        for port in (first, first, second, second, second, second)
    ]
    try:
        before = [_receive_until(client, "human_input_required") for client in clients]
        # Approved through the other address; the worker runs Pricing and every client gets
        # its events live, through Redis, whichever process holds its connection.
        approval = _post(
            second,
            "/api/approvals/manufacturing",
            token,
            {"workflow_id": started["workflow_id"], "action": "accept"},
        )
        # The season starts: the orchestrator says so once Pricing is done.
        after = [_receive_until(client, "agent_progress") for client in clients]
    finally:
        for client in clients:
            client.close()

    assert approval["status"] == "pricing"
    streams = [b + a for b, a in zip(before, after, strict=True)]
    sequences = [[m["sequence"] for m in stream] for stream in streams]
    assert all(s == sequences[0] for s in sequences)
    assert sequences[0] == sorted(set(sequences[0]))  # in order, each event once
    agents = [m.get("agent") for m in streams[0] if m["type"] == "agent_completed"]
    assert agents == ["orchestrator", "demand", "inventory", "pricing"]
    assert (after[0][-1]["type"], after[0][-1]["agent"]) == ("agent_progress", "orchestrator")


def test_a_worker_process_killed_mid_step_is_replaced_and_the_step_reruns(season_data) -> None:
    workflow = WorkflowFactory(category=Category.objects.get(slug="womens-dresses"))
    worker = celery_worker(process_env(WORKFLOW_EXECUTION="celery"))
    try:
        advance_workflow.delay(workflow.pk)
        demand = WorkflowEvent.objects.filter(
            workflow=workflow, type="agent_started", agent="demand"
        )
        deadline = time.monotonic() + 120
        while not demand.exists():
            assert time.monotonic() < deadline, "the worker never started the Demand step"
            time.sleep(0.05)
        # SIGKILL the pool processes: the one in the middle of the forecast dies with it.
        for child in _children(worker.pid):
            os.kill(child, signal.SIGKILL)
        # acks_late + reject_on_worker_lost: the task goes back to the queue and a new pool
        # process runs the step again.
        while workflow.status != "awaiting_order":
            assert time.monotonic() < deadline + 120, (
                f"stuck: {workflow.status} {workflow.current_agent}"
            )
            time.sleep(0.2)
            workflow.refresh_from_db()
    finally:
        killed = stop(worker)

    assert killed == [], "the worker did not stop within 30 s of SIGTERM"
    assert Forecast.objects.filter(workflow=workflow).count() == 1
    assert demand.count() == 2  # started, killed, started again


def test_an_idle_stream_outlasts_the_redis_layers_blocking_pop() -> None:
    """channels_redis waits for a message with a 5 s BZPOPMIN; with redis-py's default 5 s
    read timeout an idle stream's consumer died after 5 s (found when a slower step start
    left the stream quiet). Seven idle seconds must end in our own timeout, nothing else."""

    async def idle() -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(layer.receive(channel), 7)

    asyncio.run(idle())
