"""WebSocket routes and the stack every stream connection passes: allowed origin, then the
session or API token, then the consumer (which checks the user's role)."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from planner.realtime.consumers import WorkflowStreamConsumer
from planner.realtime.ws_auth import TokenHeaderAuthMiddleware

websocket_urlpatterns = [
    path("api/workflows/<int:workflow_id>/stream", WorkflowStreamConsumer.as_asgi()),
]

websocket_application = AllowedHostsOriginValidator(
    AuthMiddlewareStack(TokenHeaderAuthMiddleware(URLRouter(websocket_urlpatterns)))
)
