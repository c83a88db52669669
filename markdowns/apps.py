from django.apps import AppConfig


class MarkdownsConfig(AppConfig):
    name = "markdowns"
