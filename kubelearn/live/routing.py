"""WebSocket URL routes, mounted by ``kubelearn.asgi`` (consumers arrive with the live view)."""

from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
