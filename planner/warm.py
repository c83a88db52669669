"""Warms the planning libraries when a process starts, so the first plan after a restart is
as fast as the second: statsforecast's models are compiled by numba on first use (seconds;
numba's on-disk cache, settings NUMBA_CACHE_DIR, keeps the compiled code for the next
process), and scikit-learn's K-means imports and sets up its thread pools."""

from __future__ import annotations

import logging
import threading
import time

from planner.engine.preseason import warm_up

logger = logging.getLogger(__name__)


def warm_up_in_background() -> threading.Thread:
    def run() -> None:
        started = time.perf_counter()
        warm_up()
        logger.info("planning libraries warmed up in %.1f s", time.perf_counter() - started)

    thread = threading.Thread(target=run, name="planning-warm-up", daemon=True)
    thread.start()
    return thread
