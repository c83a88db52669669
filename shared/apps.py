from django.apps import AppConfig


class SharedConfig(AppConfig):
    """What every other app builds on: stores, categories, sales history, number helpers,
    the `Conflict` exception, shared choices and the API's error body."""

    name = "shared"
