"""A tiny Content-Security-Policy middleware.

Django 5.2 has no built-in CSP support (it arrives in 6.0), and the policy we need is one
fixed string: everything from our own origin, no inline scripts or styles, WebSockets to
any host for the live cluster view (``AllowedHostsOriginValidator`` checks the Origin on
the server side). Views may set their own header; we never overwrite it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Add ``Content-Security-Policy`` to every response that does not set one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
