"""`scripts/bootstrap` on an unchanged lock does nothing, quickly: it once rebuilt the venv on
every run when `python3.11` was a pyenv shim (uv saw a "different" interpreter), costing a
minute and pulling the venv from under a running server."""

from __future__ import annotations

import subprocess
import time

from tests.servers import ROOT


def test_a_second_bootstrap_leaves_the_venv_alone_and_takes_under_2_seconds() -> None:
    venv = ROOT / ".venv"
    marker = venv / "pyvenv.cfg"
    before = (marker.stat().st_ino, marker.stat().st_mtime_ns)

    started = time.perf_counter()
    result = subprocess.run(
        ["scripts/bootstrap"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    seconds = time.perf_counter() - started

    assert result.returncode == 0, result.stderr
    assert (marker.stat().st_ino, marker.stat().st_mtime_ns) == before, result.stderr
    assert seconds < 2.0, f"{seconds:.1f} s: {result.stderr}"
