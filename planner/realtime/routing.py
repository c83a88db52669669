"""WebSocket routes and the stack every stream connection passes: the same origin (port
included), then the session or API token, then the consumer (which checks the user's role).
Any other path gets a consumer that says so and closes with 4404, not a handshake error."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path, re_path

from planner.realtime.consumers import UnknownStreamConsumer, WorkflowStreamConsumer
from planner.realtime.origins import SameOriginValidator
from planner.realtime.ws_auth import TokenHeaderAuthMiddleware

websocket_urlpatterns = [
    path("api/workflows/<int:workflow_id>/stream", WorkflowStreamConsumer.as_asgi()),
    re_path(r"", UnknownStreamConsumer.as_asgi()),
]

websocket_application = SameOriginValidator(
    AuthMiddlewareStack(TokenHeaderAuthMiddleware(URLRouter(websocket_urlpatterns)))
)
