"""metav1.Status replies and JSON responses, as kube-apiserver writes them.

Mirrors apiserver's ``responsewriters`` (``ErrorNegotiated``/``WriteObjectNegotiated``): every
error is a ``Status`` body whose ``code`` is also the HTTP status, so kubectl prints
``Error from server (<Reason>): <message>``; API warnings travel in ``Warning: 299 - "..."``
headers, which kubectl prints as ``Warning: ...``. Responses are always JSON: kubectl and
client-go list ``application/json`` in every Accept header.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from kubelearn.cluster.errors import StatusError

JSON = "application/json"
MAX_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's request body limit


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def warning_header(warnings: Iterable[str]) -> str:
    """RFC 7234 warning values: ``299 - "text"``, comma-separated (client-go parses the list)."""
    quoted = []
    for text in warnings:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        quoted.append(f'299 - "{escaped}"')
    # Warnings can echo user input (unknown field names). Like Go's net/http, turn CR/LF into
    # spaces and send the text as raw UTF-8 bytes (a latin-1 str is written byte for byte).
    header = ", ".join(quoted).replace("\r", " ").replace("\n", " ")
    return header.encode("utf-8", "replace").decode("latin-1")


def json_response(data: Any, status: int = 200, content_type: str = JSON, warnings: Iterable[str] = ()) -> HttpResponse:
    response = HttpResponse(dumps(data), status=status, content_type=content_type)
    header = warning_header(warnings)
    if header:
        response["Warning"] = header
    response["Cache-Control"] = "no-cache, private"
    return response


def status_response(error: StatusError) -> HttpResponse:
    return json_response(error.status(), status=error.code)


def unauthorized() -> StatusError:
    return StatusError(401, "Unauthorized", "Unauthorized")


def path_not_found() -> StatusError:
    """What the API server answers for a URL it does not serve at all."""
    return StatusError(404, "NotFound", "the server could not find the requested resource")


def method_not_allowed(method: str) -> StatusError:
    return StatusError(
        405, "MethodNotAllowed", f"the server does not allow this method on the requested resource ({method})"
    )


def too_large() -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {MAX_BODY_BYTES}")


def success(details: dict[str, Any] | None = None, code: int | None = None) -> dict[str, Any]:
    """A ``Status`` of success (deletes of most kinds, evictions)."""
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        body["details"] = details
    if code is not None:
        body["code"] = code
    return body
