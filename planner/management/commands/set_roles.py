"""Gives a user exactly the roles named (viewers, planners, approvers), optionally an API token."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token

from planner.access import ROLES


class Command(BaseCommand):
    help = (
        "Set a user's roles: viewers read; planners upload and start workflows; approvers "
        "approve orders, markdowns and replenishment. --token prints the user's API token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        # No `choices`: argparse checks an empty list against them and refuses to clear roles.
        parser.add_argument(
            "roles", nargs="*", metavar="role", help=f"any of {', '.join(ROLES)}; none clears them"
        )
        parser.add_argument("--token", action="store_true", help="create and print an API token")

    def handle(self, *args: Any, username: str, roles: list[str], token: bool, **kw: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user '{username}'; create one with createsuperuser or admin.")
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise CommandError(f"Unknown role '{unknown[0]}'; choose from {', '.join(ROLES)}.")
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        self.stdout.write(f"{username}: {', '.join(sorted(roles)) or 'no roles'}")
        if token:
            key = Token.objects.get_or_create(user=user)[0].key
            self.stdout.write(f"API token: {key}  (send as 'Authorization: Token {key}')")
