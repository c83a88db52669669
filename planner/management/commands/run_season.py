"""Drives a whole season from the command line through the same services as the API."""

from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from allocation.models import Allocation
from allocation.selectors import approved_arrivals
from planner.data.fixtures_path import SAMPLE_DIR
from planner.data.sample_data import CATEGORIES, SCENARIO_DIR, SCENARIOS
from planner.engine.season import WeekInput, demand_at_prices, run_week, season_start
from planner.models import Workflow
from planner.season import weekly, workflows
from planner.season.selectors import season_outcomes, season_record, season_report_for
from season_agents.extraction.rules import extract_rules
from season_agents.extraction.types import SeasonParameterSet
from season_agents.services import extraction_defaults
from shared.choices import WorkflowStatus
from shared.models import Category

DEFAULT_TEXT = (
    "12-week season starting February 17, 2025 with weekly replenishment and 45% DC holdback. "
    "Check markdowns at week 6 if below 60% sell-through."
)


class Command(BaseCommand):
    help = (
        "Plan a season and upload a generated scenario's weeks through it as sales: pre-season "
        "workflow, approvals (with --auto-accept), weekly uploads, variance, the weekly level "
        "update and revisions, replenishment, markdown, report. The files are demand: each "
        "week the stores sell from the stock they hold, and those sales are uploaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--category", default="Women's Dresses")
        parser.add_argument("--scenario", default="normal", choices=list(SCENARIOS))
        parser.add_argument("--text", default=DEFAULT_TEXT, help="The season in plain English.")
        parser.add_argument(
            "--auto-accept", action="store_true", help="Accept every recommendation."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.WORKFLOW_EXECUTION = "inline"  # one process, steps run in order
        write = self.stdout.write
        slugs = {c.name: c.slug for c in CATEGORIES}
        if options["category"] not in slugs:
            raise CommandError(f"--category must be one of {sorted(slugs)}")
        category = Category.objects.filter(name=options["category"]).first()
        if category is None:
            write("No sales history loaded: running `manage.py seed` first.")
            call_command("seed", stdout=self.stdout)
            category = Category.objects.get(name=options["category"])
        scenario_file = (
            SAMPLE_DIR / SCENARIO_DIR / slugs[options["category"]] / f"{options['scenario']}.csv"
        )
        parameters = extract_rules(
            options["text"], today=pd.Timestamp("2025-01-15").date(), defaults=extraction_defaults()
        )
        write(f"Season: {parameters.extraction_reasoning}")

        with transaction.atomic():
            workflow = workflows.workflow_start_forecast(category=category, parameters=parameters)
        workflow.refresh_from_db()
        self._print_events(workflow)
        if workflow.status == WorkflowStatus.FAILED:
            raise CommandError(workflow.error)
        if not options["auto_accept"]:
            write(
                f"Workflow {workflow.pk} waits for the manufacturing approval: "
                f'POST /api/approvals/manufacturing {{"workflow_id": {workflow.pk}, '
                '"action": "accept"}, or run again with --auto-accept.'
            )
            return
        workflows.approve_manufacturing(workflow_id=workflow.pk, action="accept")
        allocation = Allocation.objects.get(forecast__workflow=workflow, status="approved")
        write(
            f"Approved: {allocation.manufacturing_qty:,} units, {allocation.dc_holdback_units:,} "
            f"at the DC, {allocation.store_initial_units:,} to stores."
        )
        self._weeks(workflow, parameters, scenario_file)

    def _weeks(self, workflow: Workflow, parameters: SeasonParameterSet, path: Path) -> None:
        """Each week, the stores sell what the scenario's customers want from the stock they
        hold (the engine's own `run_week` on the season as the database has it), and those
        sales are uploaded as a store system would."""
        write = self.stdout.write
        frame = pd.read_csv(path)
        write(
            f"\n{'week':>4} {'sold':>8} {'lost':>6} {'plan':>8} {'week var':>9} {'cum var':>8}"
            f" {'plan x':>7} {'ms':>5}  actions"
        )
        for week in range(1, parameters.forecast_horizon_weeks + 1):
            rows = frame[frame["week_number"] == week]
            record = season_record(workflow)
            outcomes = season_outcomes(record)
            state = outcomes[-1].state if outcomes else season_start(record.setup)
            arrivals = approved_arrivals(allocation=record.allocation).get(week, ())
            full_price = dict(zip(rows["store_id"], rows["units_sold"].astype(int), strict=True))
            served = run_week(
                state,
                WeekInput(
                    week, demand=demand_at_prices(state.lifts, week, full_price), arrivals=arrivals
                ),
                record.policy,
            )
            sales = pd.DataFrame(
                {
                    "store_id": [entry.store_id for entry in served.store_weeks],
                    "week_number": week,
                    "units_sold": [entry.sold for entry in served.store_weeks],
                }
            )
            outcome = weekly.week_upload(
                workflow_id=workflow.pk,
                week_number=week,
                raw=sales.to_csv(index=False).encode(),
            )
            v = outcome["variance"]
            write(
                f"{week:>4} {v['actual_units']:>8,} {served.lost_units:>6,} "
                f"{v['forecast_units']:>8,.0f} {v['weekly_variance']:>+9.1%} "
                f"{v['cumulative_variance']:>+8.1%} {outcome['plan_factor']:>7.2f} "
                f"{1000 * outcome['seconds']:>5.0f}  " + "; ".join(outcome["actions"] or ["-"])
            )
            replenishment = outcome["replenishment"]
            if replenishment and replenishment["status"] == "proposed" and replenishment["units"]:
                weekly.replenishment_approve(
                    workflow_id=workflow.pk, week_number=replenishment["week_number"]
                )
            workflow.refresh_from_db()
            if workflow.status == WorkflowStatus.AWAITING_MARKDOWN:
                decision = weekly.markdown_decide(workflow_id=workflow.pk, action="accept")
                write(f"     markdown approved: {decision.reasoning}")
        report = season_report_for(workflow)
        if report is None:
            raise CommandError(f"Season {workflow.pk} did not close: {workflow.status}.")
        write(
            f"\nSeason report: sold {report.units_sold:,} of {report.manufactured:,} made; "
            f"sell-through {report.sell_through_received:.0%} of received, "
            f"{report.sell_through_manufactured:.0%} of made; plan WAPE original "
            f"{report.original.wape:.1%}, in season {report.in_season.wape:.1%}; "
            f"{report.stockout_store_weeks} stockout store-weeks; leftover "
            f"{report.leftover_store_units + report.leftover_dc_units:,} units."
        )
        for advice in report.advice:
            write(f"  - {advice}")

    def _print_events(self, workflow: Workflow) -> None:
        for event in workflow.events.order_by("sequence"):
            payload = event.payload
            if event.type == "agent_completed":
                result = payload["result"]
                self.stdout.write(f"[{event.agent}] {result.get('reasoning', '')}")
            elif event.type == "human_input_required":
                self.stdout.write(f"[{event.agent}] waiting for {payload['action']}")
            elif event.type == "error":
                self.stdout.write(f"[{event.agent}] error: {payload['error_message']}")
