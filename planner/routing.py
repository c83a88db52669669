"""WebSocket routes."""

from django.urls import path

from planner.consumers import WorkflowStreamConsumer

websocket_urlpatterns = [
    path("api/workflows/<int:workflow_id>/stream", WorkflowStreamConsumer.as_asgi()),
]
