"""Schemathesis against the OpenAPI schema of a real server: no operation may answer 5xx,
whatever it is sent. A seeded season gives the generated ids something to find.

A quick pass (a few examples per operation) for the suite; `scripts/loadtest` runs more.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import hypothesis
import pytest

from loadtest import hooks
from tests.servers import BIN, MANAGE, ROOT, free_port, fresh_site, serve

EXAMPLES = 8
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("fuzz")
    env, _, token = fresh_site(folder)
    env = {
        **env,
        "WORKFLOW_EXECUTION": "inline",
        "THROTTLE_UPLOADS": "100000/min",  # exercise the uploads, not the throttle
        "THROTTLE_EXTRACTION": "100000/min",
    }
    for command in (["seed"], ["run_season", "--auto-accept"]):
        subprocess.run([*MANAGE, *command], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = serve(port, env)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "folder": folder}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_no_operation_answers_a_server_error(site: dict) -> None:
    report = Path(site["folder"]) / "junit.xml"
    run = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{site['url']}/api/schema/",
            "--header",
            f"Authorization: Token {site['token']}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            str(EXAMPLES),
            "--generation-deterministic",
            "--request-timeout",
            "30",
            "--report",
            "junit",
            "--report-junit-path",
            str(report),
        ],
        cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "loadtest.hooks"},  # the bad CSVs and values
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert run.returncode == 0, run.stdout[-4000:]
    # Every operation the schema describes was exercised (counted from the schema itself).
    with urllib.request.urlopen(f"{site['url']}/api/schema/?format=json", timeout=30) as answer:
        paths = json.loads(answer.read())["paths"]
    operations = sum(1 for path in paths.values() for method in path if method in METHODS)
    assert operations > 26
    assert f"Tested: {operations}" in run.stdout


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ("/api/data/upload-historical-sales", b"9999-12-31"),
        ("/api/data/upload-historical-sales", b"inf"),
        ("/api/data/upload-store-attributes", b"10000000000"),
        ("/api/data/upload-weekly-sales", str(2**63).encode()),
    ],
)
def test_the_fuzz_hooks_send_the_values_that_once_gave_500s(path: str, bad: bytes) -> None:
    operation = SimpleNamespace(path=path)
    uploads = hooks.flatmap_body(SimpleNamespace(operation=operation), {"file": b""})
    found = hypothesis.find(uploads, lambda body: bad in body["file"])
    assert found["file"].startswith(b"date," if "historical" in path else b"store_id,")
    dates = hooks.flatmap_body(SimpleNamespace(operation=None), {"season_start_date": "2025-03-01"})
    assert hypothesis.find(dates, lambda body: body["season_start_date"] == "9999-12-31")
