"""The Celery app for workflow steps when a broker is configured (CELERY_BROKER_URL).

Run a worker with: celery -A planner worker --loglevel=info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")

app = Celery("planner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["planner.season"])
