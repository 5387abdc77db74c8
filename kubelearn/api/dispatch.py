"""Which handler serves a (method, target) pair, with its body already decoded.

Mirrors apiserver's ``installer.go`` route table: collection GET (list, or watch with
``?watch=1``), POST and DELETE (deletecollection); item GET, PUT, PATCH and DELETE; the
``status`` and ``scale`` subresources; ``pods/<name>/eviction`` (POST) and
``namespaces/<name>/finalize`` (PUT). Anything else is 405, as upstream answers a verb a
resource does not support.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.http import HttpRequest

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError

from . import bodies, handlers
from .handlers import Reply
from .resources import Options, Target
from .tables import wants_table

Call = Callable[[Cluster], Reply]


def _not_allowed(request: HttpRequest, target: Target) -> StatusError:
    what = f"{target.info.plural}/{target.subresource}" if target.subresource else target.info.plural
    return StatusError(
        405,
        "MethodNotAllowed",
        f"the server does not allow this method on the requested resource ({request.method} {what})",
    )


def read_object(request: HttpRequest) -> dict[str, Any]:
    return bodies.parse_object(bodies.read_body(request), bodies.media_type(request))


def plan(request: HttpRequest, target: Target, options: Options) -> Call:
    """The handler call for this request (the body is read and decoded here, outside the lock)."""
    method = request.method or "GET"
    as_table = wants_table(request.META.get("HTTP_ACCEPT", ""))
    sub = target.subresource
    if target.name is None:
        if method == "GET":
            return partial(handlers.list_objects, target=target, options=options, as_table=as_table)
        if method == "POST":
            body = read_object(request)
            return partial(handlers.create, target=target, options=options, body=body)
        if method == "DELETE":
            body = bodies.parse_optional_object(bodies.read_body(request), bodies.media_type(request))
            return partial(handlers.delete_collection, target=target, options=options, body=body)
        raise _not_allowed(request, target)
    if method == "GET" and sub in (None, "status", "scale"):
        return partial(handlers.get_object, target=target, options=options, as_table=as_table and sub is None)
    if method == "PUT" and sub in (None, "status", "scale", "finalize"):
        body = read_object(request)
        return partial(handlers.update, target=target, options=options, body=body)
    if method == "PATCH" and sub in (None, "status", "scale"):
        content_type = bodies.media_type(request)
        body = bodies.parse_patch(bodies.read_body(request), content_type)
        return partial(handlers.patch, target=target, options=options, body=body, content_type=content_type)
    if method == "DELETE" and sub is None:
        body = bodies.parse_optional_object(bodies.read_body(request), bodies.media_type(request))
        return partial(handlers.delete, target=target, options=options, body=body)
    if method == "POST" and sub == "eviction":
        body = read_object(request)
        return partial(handlers.evict, target=target, options=options, body=body)
    raise _not_allowed(request, target)
