"""WebSocket URL routes, mounted by ``kubelearn.asgi``."""

from __future__ import annotations

from django.urls import URLPattern, re_path

from kubelearn.live.classroom_consumer import ClassroomConsumer
from kubelearn.live.consumers import SandboxConsumer

websocket_urlpatterns: list[URLPattern] = [
    re_path(r"^ws/sandbox/(?P<sandbox_id>[a-z0-9]{1,32})/$", SandboxConsumer.as_asgi()),
    re_path(r"^ws/class/(?P<code>[A-Za-z0-9]{6})/$", ClassroomConsumer.as_asgi()),
]
