"""The resident memory a block of code adds at its peak, for the import benchmark and its test.

Linux only: the kernel's high-water mark of the process (VmHWM in /proc/self/status) is reset
by writing 5 to /proc/self/clear_refs before the block and read after it. Elsewhere the
measurement is None.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass
class PeakMemory:
    """Bytes resident before the block, at its peak and after it (None where unmeasurable)."""

    before: int | None = None
    peak: int | None = None
    after: int | None = None

    @property
    def added(self) -> int | None:
        """How much the block's peak rose above the memory it started with."""
        if self.before is None or self.peak is None:
            return None
        return self.peak - self.before


def _status(field: str) -> int | None:
    try:
        lines = _STATUS.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return None


@contextmanager
def peak_memory() -> Iterator[PeakMemory]:
    measured = PeakMemory()
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        yield measured
        return
    measured.before = _status("VmRSS")
    yield measured
    measured.peak = _status("VmHWM")
    measured.after = _status("VmRSS")
