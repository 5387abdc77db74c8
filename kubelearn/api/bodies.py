"""Request bodies: size cap, then JSON, YAML or protobuf into a Kubernetes-shaped dict.

Mirrors apiserver's body handling: ``limitedReadBody`` (3 MiB, 413 beyond), content-type
negotiation among ``application/json``, ``application/yaml`` and
``application/vnd.kubernetes.protobuf`` (415 for anything else), and for PATCH the four patch
types. JSON ``null`` s are dropped from objects before they reach the core (kubectl sends
``"creationTimestamp": null``); patches keep them, since ``null`` means "delete" there.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

from kubelearn.cluster.errors import StatusError, new_bad_request
from kubelearn.cluster.manifests import ManifestError, parse_manifests

from . import protobuf
from .status import MAX_BODY_BYTES, too_large

PATCH_TYPES = (
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


def read_body(request: HttpRequest) -> bytes:
    """The raw body, refusing more than 3 MiB without reading it all into memory."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise too_large()
    data = request.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise too_large()
    return data


def media_type(request: HttpRequest) -> str:
    return (request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()


def prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [prune_nulls(v) for v in value]
    return value


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise new_bad_request("invalid character in request body: not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise new_bad_request(f"couldn't get version/kind; json parse error: {exc.msg}") from exc


def _yaml(data: bytes) -> Any:
    try:
        documents = parse_manifests(data, "request body")
    except ManifestError as exc:
        raise new_bad_request(str(exc)) from exc
    if len(documents) != 1 or documents[0].obj is None:
        error = documents[0].error if documents else "empty body"
        raise new_bad_request(error or "expected exactly one object")
    return documents[0].obj


def parse_object(data: bytes, content_type: str) -> dict[str, Any]:
    """A full object (POST/PUT bodies, DeleteOptions, Eviction)."""
    if not data.strip():
        raise new_bad_request("the body of the request was empty")
    if content_type == protobuf.CONTENT_TYPE:
        obj = protobuf.decode_body(data)
    elif content_type in ("application/json", "", "*/*"):
        obj = _json(data)
    elif content_type == "application/yaml":
        obj = _yaml(data)
    else:
        raise protobuf.unsupported_media_type(content_type)
    if not isinstance(obj, dict):
        raise new_bad_request("the body of the request must be a JSON object")
    return prune_nulls(obj)


def parse_optional_object(data: bytes, content_type: str) -> dict[str, Any] | None:
    """DeleteOptions bodies are optional."""
    return parse_object(data, content_type) if data.strip() else None


def parse_patch(data: bytes, content_type: str) -> Any:
    if content_type not in PATCH_TYPES:
        raise StatusError(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: {', '.join(PATCH_TYPES)}",
        )
    if content_type == "application/apply-patch+yaml":
        stripped = data.lstrip()
        return prune_nulls(_json(data) if stripped.startswith(b"{") else _yaml(data))
    return _json(data)
