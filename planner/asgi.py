"""ASGI entry point: HTTP through Django, WebSockets through the Channels router."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")
# Django must be set up before the routing modules import models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from planner.gate import BodyLimitGate  # noqa: E402
from planner.realtime.routing import websocket_application  # noqa: E402
from planner.season.runner import recover_in_background  # noqa: E402
from planner.warm import warm_up_in_background  # noqa: E402

if settings.WORKFLOW_RECOVER_ON_START:
    recover_in_background()
if settings.FORECAST_WARM_UP_ON_START:
    warm_up_in_background()

application = ProtocolTypeRouter(
    {
        "http": BodyLimitGate(django_asgi_app),
        "websocket": websocket_application,
    }
)
