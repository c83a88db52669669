"""Real servers for the tests in this folder: a fresh database, the first login, uvicorn."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server on {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


def fresh_site(folder: Path) -> tuple[dict[str, str], str, str]:
    """A migrated SQLite database in `folder` with the first login: (env, password, token)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "LOG_FILE": "",
        "DJANGO_SETTINGS_MODULE": "planner.settings",
    }
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    created = subprocess.run(
        [*MANAGE, "create_demo_user"], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout
    password = re.search(r"password (\S+)", created).group(1)  # type: ignore[union-attr]
    token = re.search(r"API token for scripts: (\S+)", created).group(1)  # type: ignore[union-attr]
    return env, password, token


def serve(port: int, env: dict[str, str]) -> subprocess.Popen:
    """The ASGI app served as `scripts/run` serves it (uvicorn) on 127.0.0.1:`port`."""
    process = subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "planner.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process)
    return process
