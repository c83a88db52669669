"""Authentication, roles, CSRF, throttling, WebSocket access, production settings and logs."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from conftest import token_client, user_with_roles
from planner.access import APPROVERS, PLANNERS, VIEWERS
from planner.log_filters import RedactSecrets
from planner.realtime.routing import websocket_application
from planner.settings import DEVELOPMENT_SECRET_KEY
from planner.tests.factories import WorkflowFactory
from planner.tests.streams import stream_client

BASE_DIR = Path(settings.BASE_DIR)
PUBLIC = {"/api/health", "/api/health/live"}


def api_operations() -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI schema, path parameters filled with their first
    allowed value, else 1."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            allowed = {
                parameter["name"]: str(parameter["schema"]["enum"][0])
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "path" and "enum" in parameter.get("schema", {})
            }
            filled = path
            for name in re.findall(r"\{([^}]+)\}", path):
                filled = filled.replace(f"{{{name}}}", allowed.get(name, "1"))
            operations.append((method.upper(), filled))
    return operations


@pytest.mark.django_db
def test_every_api_operation_but_health_needs_credentials(anonymous_client: APIClient) -> None:
    operations = api_operations()
    assert len(operations) > 20

    refused = {
        (method, path): anonymous_client.generic(method, path).status_code
        for method, path in operations
        if path not in PUBLIC
    }

    assert set(refused.values()) == {401}, refused
    answer = anonymous_client.get("/api/categories")
    assert answer["WWW-Authenticate"] == "Token"
    assert answer.json()["message"] == "Authentication credentials were not provided."
    assert anonymous_client.get("/api/health").status_code == 200


@pytest.mark.django_db
def test_every_page_needs_a_sign_in(client: Client) -> None:
    workflow = WorkflowFactory()
    paths = [
        "/",
        "/seasons/new",
        f"/seasons/{workflow.pk}",
        f"/seasons/{workflow.pk}/stores.csv",
        f"/seasons/{workflow.pk}/shipments.csv",
        f"/seasons/{workflow.pk}/export/weeks.csv",
        f"/seasons/{workflow.pk}/export/report.xlsx",
        f"/seasons/{workflow.pk}/sample-week.csv",
        f"/seasons/{workflow.pk}/weeks/1/drill",
        "/glossary",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")
    for path in ("/data/upload", f"/seasons/{workflow.pk}/manufacturing"):
        assert client.post(path).status_code == 302


@pytest.mark.django_db
def test_roles_decide_reads_uploads_starts_and_approvals() -> None:
    viewer = token_client(user_with_roles("viola", VIEWERS))
    planner = token_client(user_with_roles("pat", PLANNERS))
    approver = token_client(user_with_roles("abe", APPROVERS))
    nobody = token_client(user_with_roles("nemo"))
    start = {"category": "none", "parameters": {}}
    approve = {"workflow_id": 999, "action": "accept"}

    assert viewer.get("/api/categories").status_code == 200
    assert nobody.get("/api/categories").status_code == 403
    assert nobody.get("/api/categories").json()["message"] == (
        "This needs a role (viewer, planner or approver); ask an administrator to add you to "
        "the group."
    )
    assert viewer.post("/api/workflows/forecast", start).status_code == 403
    assert approver.post("/api/workflows/forecast", start).status_code == 403
    assert planner.post("/api/workflows/forecast", start).status_code == 400  # allowed: invalid
    assert viewer.post("/api/parameters/extract", {"user_input": "x"}).status_code == 403
    for path in ("/api/approvals/manufacturing", "/api/approvals/markdown"):
        assert planner.post(path, approve).status_code == 403
        assert viewer.post(path, approve).status_code == 403
        assert approver.post(path, approve).status_code == 404  # allowed: no such workflow
    refused = planner.post("/api/approvals/replenishment", {"workflow_id": 1, "week_number": 1})
    assert refused.json()["message"] == (
        "This needs the approver role; ask an administrator to add you to the group."
    )


@pytest.mark.django_db
def test_pages_follow_the_roles(client: Client) -> None:
    workflow = WorkflowFactory()
    client.force_login(user_with_roles("viola", VIEWERS))

    assert client.get("/").status_code == 200
    assert "Plan a season" not in client.get("/").content.decode()
    assert client.get(f"/seasons/{workflow.pk}").status_code == 200
    assert client.get("/seasons/new").status_code == 403
    assert client.post("/data/upload").status_code == 403
    assert client.post(f"/seasons/{workflow.pk}/markdown").status_code == 403
    assert client.post(f"/seasons/{workflow.pk}/replenishment/1").status_code == 403

    client.force_login(user_with_roles("nemo"))
    assert client.get("/").status_code == 403


@pytest.mark.django_db
def test_session_requests_need_the_csrf_token(member) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)

    api = browser.post("/api/parameters/extract", {"user_input": "12-week spring season"})
    page = browser.post("/data/upload", {"kind": "stores"})

    assert api.status_code == 403
    assert "CSRF" in api.json()["message"]
    assert page.status_code == 403
    token_api = APIClient(enforce_csrf_checks=True)
    token_api.credentials(HTTP_AUTHORIZATION=f"Token {member.auth_token.key}")
    assert (
        token_api.post(
            "/api/parameters/extract", {"user_input": "12-week spring season"}
        ).status_code
        == 200
    )


@pytest.mark.django_db
def test_extraction_and_uploads_are_throttled_per_user(api_client: APIClient, monkeypatch) -> None:
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"extraction": "2/min"})
    body = {"user_input": "12-week season"}

    answers = [api_client.post("/api/parameters/extract", body) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert answers[-1].json()["message"].startswith("Request was throttled.")
    other = token_client(user_with_roles("pat", PLANNERS))
    assert other.post("/api/parameters/extract", body).status_code == 200


def _stream_close(path: str, token: str | None, cookie: str | None = None) -> dict:
    async def scenario() -> dict:
        communicator = stream_client(path, token)
        if cookie:
            communicator.scope["headers"].append((b"cookie", cookie.encode()))
        connected, _ = await communicator.connect()
        assert connected
        message = await communicator.receive_output(timeout=5)
        if message["type"] == "websocket.send" and '"type": "error"' in message["text"]:
            message = await communicator.receive_output(timeout=5)  # the close that follows
        await communicator.disconnect()
        return message

    return asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_streams_need_a_signed_in_user_with_a_role(settings) -> None:
    settings.WEBSOCKET_HEARTBEAT_SECONDS = 0.05  # an allowed stream's first message comes soon
    workflow = WorkflowFactory()
    path = f"/api/workflows/{workflow.pk}/stream"
    viewer = user_with_roles("viola", VIEWERS)
    nobody = user_with_roles("nemo")
    browser = Client()
    browser.force_login(viewer)
    session_cookie = f"sessionid={browser.cookies['sessionid'].value}"

    anonymous = _stream_close(path, None)
    no_role = _stream_close(path, nobody.auth_token.key)
    wrong_token = _stream_close(path, "0" * 40)
    by_token = _stream_close(path, viewer.auth_token.key)
    by_session = _stream_close(path, None, cookie=session_cookie)

    assert anonymous == {
        "type": "websocket.close",
        "code": 4401,
        "reason": "sign in or send a token",
    }
    assert wrong_token["code"] == 4401
    assert no_role == {"type": "websocket.close", "code": 4403, "reason": "no role"}
    # Allowed in: the first message is the replayed stream (or a heartbeat), never a close.
    assert by_token["type"] == by_session["type"] == "websocket.send"


@pytest.mark.django_db(transaction=True)
def test_streams_refuse_a_foreign_origin() -> None:
    workflow = WorkflowFactory()

    async def scenario() -> bool:
        communicator = stream_client(
            f"/api/workflows/{workflow.pk}/stream", None, origin="https://evil.example"
        )
        connected, _ = await communicator.connect()
        return connected

    assert asyncio.run(scenario()) is False


@pytest.mark.django_db(transaction=True)
def test_a_script_with_a_token_and_no_origin_may_stream_a_cookie_without_origin_may_not(
    settings,
) -> None:
    """Browsers always send Origin on a WebSocket and cannot set Authorization; a client with
    a token and no Origin is a script, not a page another site opened."""
    settings.WEBSOCKET_HEARTBEAT_SECONDS = 0.05
    workflow = WorkflowFactory()
    viewer = user_with_roles("viola", VIEWERS)
    browser = Client()
    browser.force_login(viewer)

    async def connects(headers: list[tuple[bytes, bytes]]) -> bool:
        communicator = WebsocketCommunicator(
            websocket_application, f"/api/workflows/{workflow.pk}/stream", headers=headers
        )
        connected, _ = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return connected

    by_token = [(b"authorization", f"Token {viewer.auth_token.key}".encode())]
    by_cookie = [(b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode())]

    assert asyncio.run(connects(by_token)) is True
    assert asyncio.run(connects(by_cookie)) is False


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_production_settings() -> None:
    key = secrets.token_urlsafe(50)
    checked = _manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="production", SECRET_KEY=key
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout

    development = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert development.returncode != 0  # the development defaults are not deployable

    keyless = _manage("check", DJANGO_ENV="production")
    assert keyless.returncode != 0
    assert "Set the SECRET_KEY environment variable" in keyless.stderr

    for weak in (DEVELOPMENT_SECRET_KEY, "short-key"):
        refused = _manage("check", DJANGO_ENV="production", SECRET_KEY=weak)
        assert refused.returncode != 0
        assert "SECRET_KEY is the development key or too weak" in refused.stderr


def test_logs_never_carry_secrets(settings) -> None:
    settings.OPENAI_API_KEY = "sk-live-abcdefghijklmnop"
    record = logging.LogRecord(
        "any",
        logging.ERROR,
        __file__,
        1,
        "call failed: key %s, header Authorization: Token %s, db %s, url %s",
        (
            settings.OPENAI_API_KEY,
            "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
            "postgres://app:s3cret-pass@db:5432/plans",
            "https://llm.example/v1?api_key=abc123456",
        ),
        None,
    )

    RedactSecrets().filter(record)

    text = record.getMessage()
    for secret in ("sk-live", "9944b091", "s3cret-pass", "abc123456"):
        assert secret not in text
    assert text.count("[redacted]") == 4
    assert "postgres://app:[redacted]@db:5432/plans" in text


@pytest.mark.django_db(transaction=True)
def test_streams_refuse_another_port_of_the_same_host() -> None:
    workflow = WorkflowFactory()

    async def connects(origin: str) -> bool:
        communicator = stream_client(f"/api/workflows/{workflow.pk}/stream", None, origin=origin)
        communicator.scope["headers"].append((b"host", b"127.0.0.1:8000"))
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert asyncio.run(connects("http://127.0.0.1:3000")) is False
    assert asyncio.run(connects("http://127.0.0.1:8000")) is True


def _closing_messages(path: str, token: str | None) -> list[dict]:
    async def scenario() -> list[dict]:
        communicator = stream_client(path, token)
        connected, _ = await communicator.connect()
        assert connected
        messages = [await communicator.receive_output(timeout=5)]
        while messages[-1]["type"] != "websocket.close":
            messages.append(await communicator.receive_output(timeout=5))
        await communicator.disconnect()
        return messages

    return asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_a_refused_stream_says_why_before_it_closes_and_unknown_paths_are_4404() -> None:
    workflow = WorkflowFactory()
    viewer = user_with_roles("viola", VIEWERS)

    anonymous = _closing_messages(f"/api/workflows/{workflow.pk}/stream", None)
    unknown = _closing_messages("/api/workflows/abc/stream", viewer.auth_token.key)
    elsewhere = _closing_messages("/ws/anything", viewer.auth_token.key)

    # Some servers (daphne) drop close reasons: the reason also comes as an `error` message first.
    error = json.loads(anonymous[0]["text"])
    assert (error["type"], error["error_message"]) == (
        "error",
        "sign in or send a token (close code 4401)",
    )
    assert anonymous[-1]["code"] == 4401
    for refused in (unknown, elsewhere):
        assert json.loads(refused[0]["text"])["error_message"].endswith("(close code 4404)")
        assert refused[-1]["code"] == 4404
