from django.apps import AppConfig


class SeasonAgentsConfig(AppConfig):
    name = "season_agents"
    verbose_name = "Agents"
