"""Creates a first login when the database has none, and prints it."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Create the superuser 'planner' with a random password and an API token if no user "
        "exists yet."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        if users.objects.exists():
            self.stdout.write("Users exist already; sign in with yours (or run createsuperuser).")
            return
        password = secrets.token_urlsafe(12)
        user = users.objects.create_superuser("planner", "", password)
        token = Token.objects.create(user=user)
        self.stdout.write(self.style.SUCCESS(f"Sign in as 'planner' with password {password}"))
        self.stdout.write(f"API token for scripts: {token.key} (header 'Authorization: Token ...')")
