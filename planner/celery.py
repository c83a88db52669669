"""The Celery app for workflow steps when a broker is configured (CELERY_BROKER_URL).

Run a worker with: celery -A planner worker --loglevel=info
"""

import os

from celery import Celery
from celery.signals import worker_process_init
from django.conf import settings

from planner.warm import warm_up_in_background

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")

app = Celery("planner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["planner.season"])


@worker_process_init.connect
def warm_forecasting(**_: object) -> None:
    """Each pool process warms the planning libraries before its first task."""
    if settings.FORECAST_WARM_UP_ON_START:
        warm_up_in_background()
