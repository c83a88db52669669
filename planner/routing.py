"""WebSocket routes. The workflow stream consumer joins here with the workflow issue (#4)."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
