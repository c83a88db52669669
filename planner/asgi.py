"""ASGI entry point: HTTP through Django, WebSockets through the Channels router."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")
# Django must be set up before the routing modules import models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from planner.routing import websocket_application  # noqa: E402

if settings.WORKFLOW_RECOVER_ON_START:
    import contextlib

    from django.db import DatabaseError

    from planner.runner import workflows_recover

    with contextlib.suppress(DatabaseError):  # not migrated yet: nothing to resume
        workflows_recover()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": websocket_application,
    }
)
