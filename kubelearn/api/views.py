"""Views of the Kubernetes REST facade: parse, call the core under the sandbox lock, render.

Each view is a translator (house style: no simulation work here). ``facade`` resolves the
access key (401 when unknown), turns every ``StatusError`` into a ``Status`` reply and any
unexpected failure into a 500 ``InternalError`` Status, and exempts the API from CSRF: it
serves kubectl, which has no cookies, and it never reads the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from kubelearn.cluster.errors import StatusError
from kubelearn.sandboxes.middleware import BUSY_ERRORS
from kubelearn.sandboxes.runtime import LiveSandbox

from . import discovery, dispatch, logs, metrics, openapi, policy, watch
from .access import locked, open_sandbox
from .handlers import Reply, access_review
from .resources import SERVED_VERSIONS, parse_options, resolve
from .status import json_response, method_not_allowed, path_not_found, status_response
from .tables import wants_table

logger = logging.getLogger(__name__)
View = Callable[..., HttpResponse]


def facade(view: View) -> View:
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, key: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, open_sandbox(key), **kwargs)
        except StatusError as exc:
            return status_response(exc)
        except BUSY_ERRORS:
            raise  # SandboxBusyMiddleware: a 503 Status kubectl retries, not a 500
        except Exception as exc:
            logger.exception("facade request failed: %s %s", request.method, request.path)
            return status_response(StatusError(500, "InternalError", f"Internal error occurred: {exc}"))

    return wrapper


def render(reply: Reply) -> HttpResponse:
    return json_response(reply.data, reply.status, reply.content_type, reply.warnings)


@facade
def version(request: HttpRequest, sandbox: LiveSandbox) -> HttpResponse:
    return json_response(discovery.version_info())


@facade
def core_versions(request: HttpRequest, sandbox: LiveSandbox) -> HttpResponse:
    return json_response(discovery.api_versions())


@facade
def group_list(request: HttpRequest, sandbox: LiveSandbox) -> HttpResponse:
    return json_response(discovery.api_group_list())


@facade
def api_group(request: HttpRequest, sandbox: LiveSandbox, group: str) -> HttpResponse:
    if not group or group not in SERVED_VERSIONS:
        raise path_not_found()
    return json_response(discovery.api_group(group))


@facade
def resource_list(request: HttpRequest, sandbox: LiveSandbox, version: str, group: str = "") -> HttpResponse:
    document = discovery.api_resource_list(group, version)
    if document is None:
        raise path_not_found()
    return json_response(document)


@facade
def openapi_index(request: HttpRequest, sandbox: LiveSandbox) -> HttpResponse:
    return json_response(openapi.index())


@facade
def openapi_v2(request: HttpRequest, sandbox: LiveSandbox) -> HttpResponse:
    return HttpResponse(openapi.V2_DOCUMENT, content_type=openapi.V2_CONTENT_TYPE)


@facade
def openapi_document(request: HttpRequest, sandbox: LiveSandbox, gv: str) -> HttpResponse:
    document = openapi.group_version_document(gv)
    if document is None:
        raise path_not_found()
    return json_response(document)


@facade
def resource(request: HttpRequest, sandbox: LiveSandbox, version: str, rest: str, group: str = "") -> HttpResponse:
    if group == "authorization.k8s.io" and rest.strip("/") == "selfsubjectaccessreviews":
        return render(access_review(dispatch.read_object(request)))
    if group in ("policy", "metrics.k8s.io") and request.method != "GET":
        raise method_not_allowed(request.method or "")
    if group == "policy":
        as_table = wants_table(request.META.get("HTTP_ACCEPT", ""))
        return render(locked(sandbox, lambda cluster: policy.respond(cluster, version, rest, as_table)))
    if group == "metrics.k8s.io":
        return render(locked(sandbox, lambda cluster: metrics.respond(cluster, version, rest)))
    target = resolve(group, version, rest)
    options = parse_options(request.GET)
    if request.method == "GET" and target.subresource == "log":
        return logs.respond(sandbox, target, options)
    if request.method == "GET" and options.watch and target.subresource is None:
        return watch.respond(sandbox, target, options, wants_table(request.META.get("HTTP_ACCEPT", "")))
    call = dispatch.plan(request, target, options)
    return render(locked(sandbox, call))


@facade
def not_found(request: HttpRequest, sandbox: LiveSandbox, path: str) -> HttpResponse:
    raise path_not_found()
