"""Oversized request bodies are refused by `Content-Length` and credentials before the body is
read, against a real server: fast, and without the server's memory growing with the body."""

from __future__ import annotations

import http.client
import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, fresh_site, serve

MB = 1024 * 1024
BODY_BYTES = 200 * MB
CHUNK = b"x" * MB


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


def post(port: int, *, headers: dict[str, str], chunked: bool = False) -> tuple[int, dict]:
    """Sends a 200 MB multipart POST to the history upload as a client would, stopping as soon as
    the server answers, and returns (status, JSON body)."""
    head = [
        "POST /api/data/upload-historical-sales HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: multipart/form-data; boundary=xyz",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BODY_BYTES}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        while sent < BODY_BYTES:
            if select.select([connection], [], [], 0)[0]:
                break  # the server has answered: stop sending
            piece = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n" if chunked else CHUNK
            try:
                connection.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(CHUNK)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, json.loads(response.read())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("limits")
    env, _, token = fresh_site(folder)
    log = folder / "planner.log"
    port = free_port()
    server = serve(port, {**env, "LOG_FILE": str(log)})
    try:
        yield {"port": port, "pid": server.pid, "token": token, "log": log}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize(
    ("who", "chunked", "status"),
    [
        ("anonymous", False, 401),
        ("planner", False, 413),
        ("anonymous", True, 401),
        ("planner", True, 413),
    ],
)
def test_a_200_mb_post_is_refused_fast_without_the_server_growing(
    site: dict, who: str, chunked: bool, status: int
) -> None:
    headers = {"Authorization": f"Token {site['token']}"} if who == "planner" else {}
    before = rss_bytes(site["pid"])
    started = time.monotonic()
    got, body = post(site["port"], headers=headers, chunked=chunked)
    elapsed = time.monotonic() - started
    grown = rss_bytes(site["pid"]) - before
    assert got == status, body
    assert body["status"] == status and body["request_id"]
    assert elapsed < 2, f"{elapsed:.1f} s"
    assert grown < 100 * MB, f"RSS grew by {grown / MB:.0f} MB"


def test_a_multipart_body_without_a_boundary_gets_a_json_400_in_the_request_log(
    site: dict,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", site["port"], timeout=30)
    connection.request(
        "POST",
        "/api/data/upload-historical-sales",
        body=b"date,category,units\n",
        headers={
            "Content-Type": "multipart/form-data",
            "Authorization": f"Token {site['token']}",
        },
    )
    response = connection.getresponse()
    body = json.loads(response.read())
    assert response.status == 400
    assert "boundary" in body["message"]
    logged = Path(site["log"]).read_text()
    assert "POST /api/data/upload-historical-sales 400" in logged
    assert f"id={body['request_id']}" in logged
