"""The version and discovery documents: what ``kubectl version`` and ``api-resources`` read.

Mirrors kube-apiserver 1.32's ``/version``, ``/api`` (APIVersions), ``/apis`` (APIGroupList)
and ``/api/v1`` / ``/apis/<group>/<version>`` (APIResourceList). Simplified: plain discovery
only (kubectl falls back to it when the aggregated form is not offered), built from the one
kinds table so every name, short name and the ``all`` category agree with the core.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.kinds import KINDS, KindInfo

from . import policy
from .resources import SERVED_VERSIONS, subresources_of

GIT_VERSION = "v1.32.4"
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
NAMESPACE_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def version_info() -> dict[str, str]:
    """All nine string fields: the Python client rejects a reply that lacks any of them."""
    return {
        "major": "1",
        "minor": "32",
        "gitVersion": GIT_VERSION,
        "gitCommit": "4cb5f07d8a0f9e2e1a9a3b5c1f6d7e8a9b0c1d2e",
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T16:03:16Z",
        "goVersion": "go1.23.8",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions() -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": ["v1"]}


def _group(name: str) -> dict[str, Any]:
    versions = [{"groupVersion": f"{name}/{v}", "version": v} for v in SERVED_VERSIONS[name]]
    return {"name": name, "versions": versions, "preferredVersion": versions[0]}


def api_group_list() -> dict[str, Any]:
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group(g) for g in SERVED_VERSIONS if g]}


def api_group(name: str) -> dict[str, Any]:
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(name)}


def _resource(info: KindInfo) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": info.plural,
        "singularName": info.singular,
        "namespaced": info.namespaced,
        "kind": info.kind,
        "verbs": NAMESPACE_VERBS if info.kind == "Namespace" else ALL_VERBS,
    }
    if info.short_names:
        entry["shortNames"] = list(info.short_names)
    if info.in_all:
        entry["categories"] = ["all"]
    return entry


def _subresource(info: KindInfo, sub: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": f"{info.plural}/{sub}", "singularName": "", "namespaced": info.namespaced}
    if sub == "scale":
        entry.update(group="autoscaling", version="v1", kind="Scale", verbs=["get", "patch", "update"])
    elif sub == "eviction":
        entry.update(group="policy", version="v1", kind="Eviction", verbs=["create"])
    elif sub == "log":
        entry.update(kind="Pod", verbs=["get"])
    elif sub == "finalize":
        entry.update(kind=info.kind, verbs=["update"])
    else:
        entry.update(kind=info.kind, verbs=["get", "patch", "update"])
    return entry


_SPECIAL: dict[str, list[dict[str, Any]]] = {
    "policy": policy.RESOURCES,
    "authorization.k8s.io": [
        {
            "name": "selfsubjectaccessreviews",
            "singularName": "selfsubjectaccessreview",
            "namespaced": False,
            "kind": "SelfSubjectAccessReview",
            "verbs": ["create"],
        }
    ],
    "metrics.k8s.io": [
        {"name": "nodes", "singularName": "", "namespaced": False, "kind": "NodeMetrics", "verbs": ["get", "list"]},
        {"name": "pods", "singularName": "", "namespaced": True, "kind": "PodMetrics", "verbs": ["get", "list"]},
    ],
}


def api_resource_list(group: str, version: str) -> dict[str, Any] | None:
    """The resources of one group/version, or None when it is not served."""
    if version not in SERVED_VERSIONS.get(group, ()):
        return None
    resources: list[dict[str, Any]] = list(_SPECIAL.get(group, []))
    for info in KINDS:
        if info.group == group and info.version == version:
            resources.append(_resource(info))
            resources.extend(_subresource(info, sub) for sub in subresources_of(info))
    group_version = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}
