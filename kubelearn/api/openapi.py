"""The minimal OpenAPI v3 documents that make kubectl hand field validation to the server.

Mirrors ``/openapi/v3`` (the index of group-version documents, each with a
``serverRelativeURL`` carrying a content hash) and one document per group-version. Simplified
on purpose (kubectl-wire.md section 9): each document only declares, per kind, a PATCH
operation tagged with ``x-kubernetes-group-version-kind`` that accepts ``fieldValidation``.
Seeing that, kubectl 1.29+ skips client-side schema validation and sends
``fieldValidation=Strict``; the core then decodes strictly with upstream's wording. No
``requestBody`` and no schemas, so kubectl builds apply patches from its built-in Go types.
``kubectl explain`` therefore does not work.

``/openapi/v2`` is an empty swagger document (protobuf, as kubectl asks for it). kubectl only
reads it to validate a kind that ``/openapi/v3`` does not list (an unserved kind); finding no
schema there it skips validation and reports, like a real cluster without the CRD,
``resource mapping not found ... ensure CRDs are installed first`` (a 404 here would make it
fail earlier with "error validating data").
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from kubelearn.cluster.kinds import KINDS, KindInfo

from .discovery import GIT_VERSION

_FIELD_VALIDATION = {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": True}}


V2_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"  # no "@": Go's mime parser rejects it


def _proto_string(field: int, value: bytes) -> bytes:
    assert len(value) < 128
    return bytes([field << 3 | 2, len(value)]) + value


#: gnostic ``openapi_v2.Document{swagger: "2.0", info: {title, version}}`` and nothing else.
V2_DOCUMENT = _proto_string(1, b"2.0") + _proto_string(
    2, _proto_string(1, b"Kubernetes") + _proto_string(2, GIT_VERSION.encode())
)


def _gv_path(info: KindInfo) -> str:
    return f"apis/{info.group}/{info.version}" if info.group else f"api/{info.version}"


def _item_path(info: KindInfo) -> str:
    ns = "/namespaces/{namespace}" if info.namespaced else ""
    return f"/{_gv_path(info)}{ns}/{info.plural}/{{name}}"


def _operation(info: KindInfo, verb: str) -> dict[str, Any]:
    return {
        "operationId": f"{verb}{info.kind}",
        "x-kubernetes-action": verb,
        "x-kubernetes-group-version-kind": {"group": info.group, "version": info.version, "kind": info.kind},
        "parameters": [_FIELD_VALIDATION],
        "responses": {"200": {"description": "OK"}},
    }


@cache
def group_version_document(gv_path: str) -> dict[str, Any] | None:
    """The document at ``/openapi/v3/<gv_path>`` (``api/v1``, ``apis/apps/v1``), or None."""
    kinds = [info for info in KINDS if _gv_path(info) == gv_path]
    if not kinds:
        return None
    paths = {_item_path(info): {"patch": _operation(info, "patch"), "put": _operation(info, "put")} for info in kinds}
    for info in kinds:
        collection = _item_path(info).rsplit("/", 1)[0]
        paths[collection] = {"post": _operation(info, "post")}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": GIT_VERSION}, "paths": paths}


def _hash(document: dict[str, Any]) -> str:
    return hashlib.sha512(json.dumps(document, sort_keys=True).encode()).hexdigest()[:128].upper()


@cache
def index() -> dict[str, Any]:
    """``/openapi/v3``: every served group-version, each with its content hash in the URL."""
    paths = {}
    for gv_path in sorted({_gv_path(info) for info in KINDS}):
        document = group_version_document(gv_path)
        assert document is not None
        paths[gv_path] = {"serverRelativeURL": f"/openapi/v3/{gv_path}?hash={_hash(document)}"}
    return {"paths": paths}
