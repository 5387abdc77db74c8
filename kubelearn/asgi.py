"""ASGI entry point: plain Django for HTTP, Channels for WebSockets.

``daphne kubelearn.asgi:application`` serves both. The Django ASGI app is created before
anything imports models (Channels' documented order), and WebSocket connections are
checked against ``ALLOWED_HOSTS`` by Origin and get the session user. Static files are
served by Django's ``ASGIStaticFilesHandler`` unless ``SERVE_STATIC`` is off, because
daphne (unlike ``runserver``) serves none by itself. The REST facade (``/k8s/``) has a handler
of its own with a short middleware chain (``kubelearn/api/asgi.py``). With ``REDIS_URL``, the scale-out
wrapper (``kubelearn/sandboxes/relay.py``) listens for commands from the other processes and
forwards REST facade requests for sandboxes that another process owns.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kubelearn.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs the app registry ready
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from kubelearn.api.asgi import FacadeHandler, is_facade  # noqa: E402
from kubelearn.live.routing import websocket_urlpatterns  # noqa: E402
from kubelearn.sandboxes.relay import ScaleOutMiddleware  # noqa: E402

pages_app = ASGIStaticFilesHandler(django_asgi_app) if settings.SERVE_STATIC else django_asgi_app
facade_app = FacadeHandler()


async def http_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """kubectl's requests to the facade's handler, everything else to the pages'."""
    await (facade_app if is_facade(scope) else pages_app)(scope, receive, send)


application = ScaleOutMiddleware(
    ProtocolTypeRouter(
        {
            "http": http_app,
            "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    ),
    http_app=facade_app,  # what the owner runs for a forwarded facade request
)
