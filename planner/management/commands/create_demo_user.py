"""Creates a first login when the database has none, and prints it last, in a box."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Create the superuser 'planner' with a random password and an API token if no user "
        "exists yet, and print how to sign in (the last thing scripts/run prints before the "
        "server's own lines)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where the app is served"
        )

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        users = get_user_model()
        lines = [f"Season Planner on {url} (API docs at {url.rstrip('/')}/docs)"]
        if users.objects.exists():
            lines.append("Users exist already: sign in with yours.")
        else:
            password = secrets.token_urlsafe(12)
            user = users.objects.create_superuser("planner", "", password)
            token = Token.objects.create(user=user)
            lines += [
                f"Sign in as 'planner' with password {password}",
                f"API token for scripts: {token.key} (header 'Authorization: Token ...')",
            ]
        lines.append("Forgot it? .venv/bin/python manage.py changepassword planner")
        width = max(len(line) for line in lines)
        rule = "+-" + "-" * width + "-+"
        self.stdout.write("\n".join([rule, *(f"| {line:<{width}} |" for line in lines), rule]))
