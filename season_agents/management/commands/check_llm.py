"""Tests the configured model endpoint and says what is wrong."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from season_agents.services import llm_status


class Command(BaseCommand):
    help = "Check the OpenAI-compatible endpoint: list the models or send a one-token request."

    def handle(self, *args: Any, **options: Any) -> None:
        status = llm_status(check=True)
        if not status["configured"]:
            self.stdout.write(
                "No LLM configured (OPENAI_API_KEY is empty): the agents run deterministically."
            )
            return
        if not status["ok"]:
            raise CommandError(f"{status['base_url']}: {status['error']}")
        note = ""
        if status.get("model_available") is False:
            note = f", but the model list has no {status['model']!r} (check OPENAI_MODEL)"
        self.stdout.write(
            self.style.SUCCESS(f"{status['base_url']} answers ({status['how']}){note}.")
        )
