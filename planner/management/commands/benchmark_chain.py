"""A large chain end to end on a throwaway database of the configured engine: generate it,
import it through the CSV import services, plan every category (run it on PostgreSQL with
DATABASE_URL; scripts/services starts one)."""

import datetime as dt
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import override_settings

from allocation import fetch as allocation_fetch
from forecasting import fetch as forecasting_fetch
from planner.data import services
from planner.data.imports import STORE_COLUMNS, STORE_OPTIONAL_EXTRAS
from planner.data.sample_data import SEED, chain_categories, chain_weekly_history, generate_stores
from planner.data.throwaway import throwaway_database
from planner.models import Workflow
from planner.season.workflows import workflow_start_forecast
from season_agents.extraction.types import SeasonParameterSet
from shared.choices import WorkflowStatus
from shared.models import Category


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

    def handle(self, *args: Any, stores: int, categories: int, **options: Any) -> None:
        with throwaway_database("chain_benchmark"):
            self._run(stores, categories)

    def _say(self, label: str, seconds: float, note: str = "") -> None:
        self.stdout.write(f"{label:<44}{seconds:8.2f} s  {note}".rstrip())
        self.stdout.flush()

    def _run(self, store_count: int, category_count: int) -> None:
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

        slugs = list(Category.objects.order_by("slug").values_list("slug", flat=True))
        season_start = dt.date(2025, 2, 17)
        aggregations: dict[str, Callable[[str], object]] = {
            "weekly category series (SQL SUM by date)": forecasting_fetch.category_daily_units,
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
        started = time.perf_counter()
        with override_settings(WORKFLOW_EXECUTION="inline"):
            for category in Category.objects.order_by("slug"):
                workflow_start_forecast(category=category, parameters=parameters)
        planning = time.perf_counter() - started
        waiting = Workflow.objects.filter(status=WorkflowStatus.AWAITING_ORDER).count()
        self._say(
            f"plan {len(slugs)} categories (forecast, clusters, allocation)",
            planning,
            f"{planning / len(slugs):.2f} s per category; {waiting} awaiting approval",
        )
        if waiting != len(slugs):
            failed = Workflow.objects.exclude(status=WorkflowStatus.AWAITING_ORDER)
            for workflow in failed:
                self.stderr.write(f"workflow {workflow.pk}: {workflow.status} {workflow.error}")
