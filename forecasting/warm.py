"""Warms the forecasting libraries when a process starts, so the first plan after a restart
is as fast as the second: statsforecast's models are compiled by numba on first use (seconds),
and numba's on-disk cache (settings: NUMBA_CACHE_DIR) keeps the compiled code for the next
process."""

from __future__ import annotations

import logging
import threading
import time

from forecasting.engine.members import warm_up

logger = logging.getLogger(__name__)


def warm_up_in_background() -> threading.Thread:
    def run() -> None:
        started = time.perf_counter()
        warm_up()
        logger.info("forecasting warmed up in %.1f s", time.perf_counter() - started)

    thread = threading.Thread(target=run, name="forecasting-warm-up", daemon=True)
    thread.start()
    return thread
