"""The official OpenAPI definitions of Kubernetes 1.32, as shipped by ``kubernetes-validate``.

The real API server decodes request bodies into Go structs generated from the same
definitions; we walk these definitions instead of hand-writing type tables, so unknown fields,
wrong types and the strategic-merge keys (``x-kubernetes-patch-merge-key``) are exactly upstream's.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

KUBERNETES_VERSION = "v1.32.0"
_PACKAGE_DIR = f"kubernetes-json-schema/{KUBERNETES_VERSION}-local"
_REF_PREFIX = "#/$defs/"


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """All definitions keyed by their Go type path, e.g. ``io.k8s.api.apps.v1.Deployment``."""
    path = resources.files("kubernetes_validate").joinpath(_PACKAGE_DIR, "_definitions.json")
    with path.open("rb") as handle:
        return json.load(handle)["$defs"]  # type: ignore[no-any-return]


@cache
def definition_name_for(api_version: str, kind: str) -> str | None:
    """The definition that describes a top-level ``apiVersion``/``kind``, if any."""
    group, _, version = api_version.rpartition("/")
    for name, schema in definitions().items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            if gvk.get("group", "") == group and gvk["version"] == version and gvk["kind"] == kind:
                return name
    return None


def resolve(schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """Follow a ``$ref`` (if any); returns the definition name (or None) and the schema."""
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.removeprefix(_REF_PREFIX)
    return name, definitions()[name]


def go_type_name(definition: str) -> str:
    """``io.k8s.api.apps.v1.DeploymentSpec`` -> ``DeploymentSpec`` (as Go error messages say)."""
    return definition.rsplit(".", 1)[-1]
