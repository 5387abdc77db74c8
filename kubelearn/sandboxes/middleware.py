"""A page action whose sandbox's server process is busy answers 503 "try again", never a 500.

With Redis, a page action runs on the process that owns the sandbox (``forwarding.run_sync``)
or moves the sandbox here (``forwarding.take_over``). When that process keeps its lease but
does not answer within ``forwarding.FORWARD_TIMEOUT`` (stalled, or swamped), making a copy
here would split the sandbox in two, so the action fails with ``SandboxBusy`` instead; this
middleware turns that into a short 503 page with ``Retry-After`` that says so.

The same holds while Redis itself is unreachable (restarting): nobody can tell who owns a
sandbox, so requests that need to know answer 503 "try again" too — a Kubernetes ``Status``
for the REST facade (kubectl retries and prints it), the short page for everything else.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.html import escape
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .forwarding import SandboxBusy

RETRY_AFTER_SECONDS = 2
# What a view lets through to this middleware instead of answering 500 itself.
BUSY_ERRORS = (SandboxBusy, RedisConnectionError, RedisTimeoutError)


class SandboxBusyMiddleware(MiddlewareMixin):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BUSY_ERRORS):
            return None
        text = _("The sandbox's server is busy, try again in a moment.")
        if request.path.startswith("/k8s/"):
            status = {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": "the sandbox's server is busy (its coordination store is unreachable), retry",
                "reason": "ServiceUnavailable",
                "code": 503,
            }
            response = HttpResponse(json.dumps(status), status=503, content_type="application/json")
        else:
            response = HttpResponse(f'<p class="error" role="alert">{escape(text)}</p>\n', status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
