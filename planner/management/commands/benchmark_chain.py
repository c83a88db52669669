"""A large chain end to end on a throwaway database of the configured engine: generate it,
import it through the CSV import services, plan every category (run it on PostgreSQL with
DATABASE_URL; scripts/services starts one). With `--workers N` every category is planned as
Celery tasks on the configured broker by N worker processes this command starts."""

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models
from django.test import override_settings

from allocation import fetch as allocation_fetch
from forecasting import fetch as forecasting_fetch
from planner.celery import app as celery_app
from planner.data.sample_data import SEED, chain_categories, chain_weekly_history, generate_stores
from planner.data.throwaway import throwaway_database
from planner.models import Workflow
from planner.season.workflows import workflow_start_forecast
from season_agents.extraction.types import SeasonParameterSet
from shared import services
from shared.choices import WorkflowStatus
from shared.imports import STORE_COLUMNS, STORE_OPTIONAL_EXTRAS
from shared.models import Category, HistoricalSale, WeeklySale

# Waiting for the workers stops after this long without a category finishing its plan (one
# takes seconds; a 10,000-store category well under a minute).
STALL_SECONDS = 600.0


class Command(BaseCommand):
    help = (
        "Generate a chain (default 2,000 stores x 20 categories x 3 years of weekly rows), "
        "import it category by category through the history import, time the database "
        "aggregations planning reads, and plan every category up to the manufacturing "
        "approval. Uses a throwaway database of the configured engine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stores", type=int, default=2000)
        parser.add_argument("--categories", type=int, default=20)
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help="Celery worker processes to plan the categories with (PostgreSQL and "
            "CELERY_BROKER_URL needed); 0 plans them one after another in this process.",
        )

    def handle(
        self, *args: Any, stores: int, categories: int, workers: int, **options: Any
    ) -> None:
        if stores < 1 or categories < 1 or workers < 0:
            raise CommandError("--stores and --categories must be at least 1, --workers 0 or more.")
        if workers and not settings.CELERY_BROKER_URL:
            raise CommandError("--workers needs a broker: set CELERY_BROKER_URL (Redis).")
        if workers and connection.vendor != "postgresql":
            raise CommandError(
                "--workers needs PostgreSQL: worker processes write to one database at once, "
                "which SQLite serialises. Set DATABASE_URL."
            )
        with throwaway_database("chain_benchmark"):
            self._run(stores, categories, workers)

    def _say(self, label: str, seconds: float, note: str = "") -> None:
        self.stdout.write(f"{label:<44}{seconds:8.2f} s  {note}".rstrip())
        self.stdout.flush()

    def _run(self, store_count: int, category_count: int, workers: int) -> None:
        self.stdout.write(
            f"database: {connection.vendor}; chain: {store_count:,} stores x "
            f"{category_count} categories, weekly rows 2022-2024"
        )
        rng_stores, rng_sales = (
            np.random.default_rng(s) for s in np.random.SeedSequence(SEED).spawn(2)
        )
        third = round(store_count * 0.3)
        frame = generate_stores(
            rng_stores,
            {"Premium": third, "Mainstream": store_count - 2 * third, "Value": third},
        )
        started = time.perf_counter()
        columns = [name for name in (*STORE_COLUMNS, *STORE_OPTIONAL_EXTRAS) if name in frame]
        summary = services.stores_import(raw=frame[columns].to_csv(index=False).encode())
        self._say(f"import {summary.rows:,} stores", time.perf_counter() - started)

        generated = imported = 0.0
        rows = 0
        specs = chain_categories(category_count)
        for number, spec in enumerate(specs, start=1):
            started = time.perf_counter()
            raw = chain_weekly_history(frame, spec, rng_sales).to_csv(index=False).encode()
            generated += time.perf_counter() - started
            result = services.history_import(raw=raw)
            imported += result.duration_seconds
            rows += result.rows
            self.stdout.write(
                f"  {number:>2}/{len(specs)} {spec.name}: {result.rows:,} rows in "
                f"{result.duration_seconds:.1f} s"
            )
        self._say("generate the history (pandas, vectorised)", generated)
        self._say(
            f"import {rows:,} history rows", imported, f"{rows / imported:,.0f} rows/s, validated"
        )
        if connection.vendor == "postgresql":
            for model in (HistoricalSale, WeeklySale):
                self._table_size(model)

        slugs = list(Category.objects.order_by("slug").values_list("slug", flat=True))
        season_start = dt.date(2025, 2, 17)
        aggregations: dict[str, Callable[[str], object]] = {
            "category series (weekly totals)": partial(
                forecasting_fetch.category_units_for_season, season_start=season_start
            ),
            "store profiles (recent weeks by store)": partial(
                allocation_fetch.store_profiles, season_start=season_start, season_weeks=12
            ),
        }
        for label, fetch in aggregations.items():
            started = time.perf_counter()
            for slug in slugs:
                fetch(slug)
            self._say(label, (time.perf_counter() - started) / len(slugs), "per category")

        parameters = SeasonParameterSet(
            forecast_horizon_weeks=12,
            season_start_date=season_start,
            replenishment_strategy="weekly",
            dc_holdback_percentage=0.45,
            markdown_checkpoint_week=6,
            markdown_threshold=0.6,
            extraction_confidence="high",
            extraction_reasoning="benchmark_chain: fixed parameters",
        )
        if workers:
            with celery_workers(workers, self.stdout.write) as processes:
                planning = self._plan_on_workers(parameters, processes)
        else:
            started = time.perf_counter()
            with override_settings(WORKFLOW_EXECUTION="inline"):
                for category in Category.objects.order_by("slug"):
                    workflow_start_forecast(category=category, parameters=parameters)
            planning = time.perf_counter() - started
        waiting = Workflow.objects.filter(status=WorkflowStatus.AWAITING_ORDER).count()
        where = f"{workers} Celery worker{'s' * (workers > 1)}" if workers else "in this process"
        self._say(
            f"plan {len(slugs)} categories ({where})",
            planning,
            f"{planning / len(slugs):.2f} s per category; {waiting} awaiting approval",
        )
        if waiting != len(slugs):
            failed = Workflow.objects.exclude(status=WorkflowStatus.AWAITING_ORDER)
            for workflow in failed:
                self.stderr.write(f"workflow {workflow.pk}: {workflow.status} {workflow.error}")

    def _table_size(self, model: type[models.Model]) -> None:
        """A table's rows and bytes on disk with its indexes (PostgreSQL; partitions summed)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            # A partitioned table's own size is 0 and its tree lists its partitions; a plain
            # table's tree is empty.
            cursor.execute(
                "SELECT pg_total_relation_size(%s::regclass) + COALESCE((SELECT "
                "SUM(pg_total_relation_size(relid)) FROM pg_partition_tree(%s::regclass)), 0)",
                [table, table],
            )
            (size,) = cursor.fetchone()
        count = model._default_manager.count()
        self.stdout.write(
            f"  {table}: {count:,} rows, {size / 2**20:,.0f} MB with indexes"
            + (f", {size / count:,.0f} bytes a row" if count else "")
        )

    def _plan_on_workers(
        self, parameters: SeasonParameterSet, workers: Sequence[subprocess.Popen]
    ) -> float:
        """Starts every category's season as Celery tasks and waits until none is planning;
        returns the seconds from the first start to the last plan."""
        started = time.perf_counter()
        with override_settings(WORKFLOW_EXECUTION="celery"):
            for category in Category.objects.order_by("slug"):
                workflow_start_forecast(category=category, parameters=parameters)
        wait_until_planned(workers, say=self._progress)
        return time.perf_counter() - started

    def _progress(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


def wait_until_planned(
    workers: Sequence[subprocess.Popen],
    *,
    say: Callable[[str], object],
    stall_seconds: float = STALL_SECONDS,
) -> None:
    """Waits until no season is pending or planning, saying how many are left every 10 s.
    Stops with an error when a worker exits, or when no category finished planning for
    `stall_seconds` (naming the workflows still planning), instead of waiting forever."""
    running = Workflow.objects.filter(status__in=[WorkflowStatus.PENDING, WorkflowStatus.PLANNING])
    left = running.count()
    last_progress = last_report = time.monotonic()
    while left > 0:
        for worker in workers:
            if worker.poll() is not None:
                raise CommandError(
                    f"a Celery worker exited with code {worker.returncode}; "
                    f"{left} {'category' if left == 1 else 'categories'} still planning"
                )
        now = time.monotonic()
        if now - last_progress > stall_seconds:
            ids = ", ".join(str(pk) for pk in running.values_list("pk", flat=True)[:20])
            raise CommandError(
                f"no category finished planning in {stall_seconds:g} s; "
                f"still planning: workflows {ids}"
            )
        if now - last_report >= 10:
            last_report = now
            say(f"  planning: {left} categories left")
        time.sleep(0.2)
        still = running.count()
        if still < left:
            last_progress = time.monotonic()
        left = still


def _database_url() -> str:
    """The URL of the database this process uses now (the throwaway one), for the workers."""
    database = connection.settings_dict
    configured = urlsplit(os.environ.get("DATABASE_URL", ""))
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    netloc = f"{credentials}@{host}" if credentials else host
    return urlunsplit(
        (configured.scheme or "postgres", netloc, "/" + database["NAME"], configured.query, "")
    )


QUEUE = "chain_benchmark"


@contextmanager
def celery_workers(count: int, say: Callable[[str], object]) -> Iterator[list[subprocess.Popen]]:
    """`count` Celery worker processes (one task at a time each) on the throwaway database and
    a queue of their own, so tasks already on a shared broker are neither run nor taken. They
    start and warm up before the clock starts, and stop after."""
    names = [f"chain{index}@benchmark" for index in range(1, count + 1)]
    env = {**os.environ, "DATABASE_URL": _database_url(), "WORKFLOW_EXECUTION": "celery"}
    celery = str(Path(sys.executable).with_name("celery"))
    processes = [
        subprocess.Popen(
            [
                celery,
                "-A",
                "planner",
                "worker",
                "--concurrency",
                "1",
                "--queues",
                QUEUE,
                "--hostname",
                name,
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,  # the banner; problems go to stderr
        )
        for name in names
    ]
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = QUEUE
    try:
        deadline = time.monotonic() + 120
        while len(celery_app.control.ping(destination=names, timeout=1.0)) < count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise CommandError(f"the {count} Celery workers did not start; see their log above")
        say(f"{count} Celery worker{'s' * (count > 1)} ready on queue {QUEUE}")
        yield processes
    finally:
        celery_app.conf.task_default_queue = default_queue
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
