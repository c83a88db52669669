"""Creates a first login when the database has none, and prints it."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the user 'planner' with a random password if no user exists yet."

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        if users.objects.exists():
            self.stdout.write("Users exist already; sign in with yours (or run createsuperuser).")
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("planner", "", password)
        self.stdout.write(self.style.SUCCESS(f"Sign in as 'planner' with password {password}"))
