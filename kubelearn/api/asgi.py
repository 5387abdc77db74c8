"""The REST facade's own ASGI handler: the middleware kubectl's requests need, none of the rest.

Every middleware in ``settings.MIDDLEWARE`` is there for people with browsers: sessions,
CSRF, locale, messages, authentication, htmx. A facade request (``/k8s/<key>/...``) is
authorised by the key in its path and uses none of them, yet under ASGI each sync-only step
(``MiddlewareMixin.process_request``/``process_response``) costs a hop between the event
loop and a worker thread: about a dozen hops per kubectl call. ``bench/soak.py`` at 200
students spent more of each server process on those hops than on the simulated cluster.

``FacadeHandler`` runs the same URL configuration and views with a chain of its own:

* ``SecurityMiddleware``'s checks, called inline (they touch no database): the HTTPS
  redirect in production, ``nosniff``, HSTS, the referrer policy;
* the Content-Security-Policy header every response carries (``kubelearn.security``);
* ``SandboxBusyMiddleware``'s exception mapping: a busy owner or an unreachable Redis is a
  Kubernetes ``Status`` 503 that kubectl retries, never a 500.

So a facade request crosses to a worker thread once, for its view.
"""

from __future__ import annotations

from typing import Any

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.middleware.security import SecurityMiddleware

from kubelearn.sandboxes.middleware import SandboxBusyMiddleware
from kubelearn.security import CONTENT_SECURITY_POLICY

PREFIX = "/k8s/"


def is_facade(scope: dict[str, Any]) -> bool:
    return scope.get("type") == "http" and str(scope.get("path", "")).startswith(PREFIX)


class FacadeHandler(ASGIHandler):
    """Django's ASGI handler with the facade's short middleware chain (see the module docstring)."""

    def load_middleware(self, is_async: bool = False) -> None:
        if not is_async:  # ASGIHandler always loads its chain for the event loop
            raise ValueError("the facade handler serves ASGI only")
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware = [SandboxBusyMiddleware(_unused).process_exception]
        inner = convert_exception_to_response(self._get_response_async)
        security = SecurityMiddleware(_unused)

        async def chain(request: HttpRequest) -> HttpResponse:
            response = security.process_request(request)  # the production HTTPS redirect
            if response is None:
                response = await inner(request)
            response = security.process_response(request, response)
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            return response

        self._middleware_chain = convert_exception_to_response(chain)


def _unused(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the facade chain calls the middleware's hooks directly")
