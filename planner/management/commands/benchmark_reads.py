"""Times the reads a merchandiser's browser makes of one season, with their queries."""

import statistics
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from planner.models import Workflow


class Command(BaseCommand):
    help = (
        "Render the season page, its live part, a week's stores and the API's reads of one "
        "season (the latest without --season) --repeat times in this process, signed in as "
        "the first superuser, and print the median time and the queries of each."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--season", type=int, help="A season id (default: the latest).")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        season = (
            Workflow.objects.filter(pk=options["season"]).first()
            if options["season"]
            else Workflow.objects.order_by("-pk").first()
        )
        if season is None:
            raise CommandError("No such season: plan one first (manage.py run_season).")
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("No superuser to read as: create one (manage.py createsuperuser).")
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
        client.force_login(user)
        paths = [
            f"/seasons/{season.pk}",
            f"/seasons/{season.pk}/live",
            f"/api/workflows/{season.pk}",
            f"/api/workflows/{season.pk}/results",
            "/",
        ]
        if season.season_week:
            paths.insert(2, f"/seasons/{season.pk}/weeks/{season.season_week}/drill")
        self.stdout.write(
            f"season {season.pk} ({season.get_status_display()}, week {season.season_week}), "
            f"{options['repeat']} reads each after one to warm up"
        )
        for path in paths:
            client.get(path)
            seconds = []
            for _ in range(options["repeat"]):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    answer = client.get(path)
                    seconds.append(time.perf_counter() - started)
            self.stdout.write(
                f"{path:<40} {answer.status_code}  {1000 * statistics.median(seconds):7.1f} ms  "
                f"{len(queries.captured_queries):3} queries"
            )
