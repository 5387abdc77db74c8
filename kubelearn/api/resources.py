"""From a request path and query string to (kind, namespace, name, subresource) and options.

Mirrors apiserver's ``RequestInfoFactory``: ``/api/v1/namespaces/{ns}/{resource}/{name}/{sub}``
and ``/apis/{group}/{version}/...``, cluster-scoped resources without the namespace part, and
``/api/v1/{resource}`` for lists across all namespaces. ``namespaces/{name}/status`` and
``/finalize`` are subresources of the Namespace itself, as upstream disambiguates them.
Query parameters follow ``metav1.ListOptions``/``CreateOptions``/``PatchOptions``/``DeleteOptions``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.http import QueryDict

from kubelearn.cluster.errors import StatusError, new_bad_request
from kubelearn.cluster.kinds import BY_PLURAL, KINDS, KindInfo

from .status import path_not_found

# Subresources served beyond KindInfo.subresources.
EXTRA_SUBRESOURCES = {"Pod": ("eviction",), "Namespace": ("finalize",)}
#: Group/versions the facade serves (some only for special endpoints: eviction, can-i, top).
SERVED_VERSIONS: dict[str, tuple[str, ...]] = {
    "": ("v1",),
    **{k.group: (k.version,) for k in KINDS if k.group},
    "policy": ("v1",),
    "authorization.k8s.io": ("v1",),
    "metrics.k8s.io": ("v1beta1",),
}


@dataclass(frozen=True, slots=True)
class Target:
    """What a resource URL addresses; ``name`` None means the collection."""

    info: KindInfo
    namespace: str | None = None  # None: cluster-scoped kind, or a list across all namespaces
    name: str | None = None
    subresource: str | None = None

    @property
    def store_namespace(self) -> str:
        return self.namespace or ""


def subresources_of(info: KindInfo) -> tuple[str, ...]:
    return (*info.subresources, *EXTRA_SUBRESOURCES.get(info.kind, ()))


def resolve(group: str, version: str, rest: str) -> Target:
    """Resolve the part of the path after ``/api/v1/`` or ``/apis/<g>/<v>/`` (404 if not served)."""
    if version not in SERVED_VERSIONS.get(group, ()):
        raise path_not_found()
    parts = [p for p in rest.strip("/").split("/") if p]
    namespace: str | None = None
    if len(parts) >= 3 and parts[0] == "namespaces":
        info = _kind(group, version, parts[2])
        if info is not None and info.namespaced:
            namespace, parts = parts[1], parts[2:]
    if not parts or len(parts) > 3:
        raise path_not_found()
    info = _kind(group, version, parts[0])
    if info is None or (info.namespaced and namespace is None and len(parts) > 1):
        raise path_not_found()
    sub = parts[2] if len(parts) == 3 else None
    if sub is not None and sub not in subresources_of(info):
        raise path_not_found()
    return Target(info, namespace, parts[1] if len(parts) > 1 else None, sub)


def _kind(group: str, version: str, plural: str) -> KindInfo | None:
    info = BY_PLURAL.get((group, plural))
    return info if info is not None and info.version == version else None


@dataclass(frozen=True, slots=True)
class Options:
    """The query parameters of one request, parsed once."""

    label_selector: str = ""
    field_selector: str = ""
    resource_version: str = ""
    watch: bool = False
    timeout_seconds: int | None = None
    allow_bookmarks: bool = False
    include_object: str = "Metadata"
    dry_run: bool = False
    field_validation: str = "Warn"
    field_manager: str = ""
    force: bool = False
    propagation_policy: str | None = None
    grace_period: int | None = None
    container: str | None = None
    tail_lines: int | None = None
    follow: bool = False
    previous: bool = False


_TRUE = {"1", "true", "True", "yes"}
_VALIDATION = {"strict": "Strict", "warn": "Warn", "ignore": "Ignore"}


def _int(query: QueryDict, name: str) -> int | None:
    value = query.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise new_bad_request(f'invalid value for query parameter "{name}": {value!r} is not an integer') from exc


def parse_options(query: QueryDict) -> Options:
    dry_run = query.getlist("dryRun")
    if any(value != "All" for value in dry_run):
        raise StatusError(400, "BadRequest", f'dryRun: Unsupported value: "{dry_run[0]}": supported values: "All"')
    validation = query.get("fieldValidation", "") or "Warn"
    if validation.lower() not in _VALIDATION:
        raise new_bad_request(f"fieldValidation parameter unsupported: {validation}")
    include = query.get("includeObject") or "Metadata"
    return Options(
        label_selector=query.get("labelSelector", ""),
        field_selector=query.get("fieldSelector", ""),
        resource_version=query.get("resourceVersion", ""),
        watch=query.get("watch", "") in _TRUE,
        timeout_seconds=_int(query, "timeoutSeconds"),
        allow_bookmarks=query.get("allowWatchBookmarks", "") in _TRUE,
        include_object=include,
        dry_run=bool(dry_run),
        field_validation=_VALIDATION[validation.lower()],
        field_manager=query.get("fieldManager", ""),
        force=query.get("force", "") in _TRUE,
        propagation_policy=query.get("propagationPolicy") or None,
        grace_period=_int(query, "gracePeriodSeconds"),
        container=query.get("container") or None,
        tail_lines=_int(query, "tailLines"),
        follow=query.get("follow", "") in _TRUE,
        previous=query.get("previous", "") in _TRUE,
    )


def with_delete_options(options: Options, body: dict[str, Any] | None) -> tuple[Options, dict[str, str]]:
    """Merge a DeleteOptions body over the query parameters; returns the preconditions too."""
    if not body:
        return options, {}
    if not isinstance(body, dict):
        raise new_bad_request("DeleteOptions must be an object")
    preconditions = {k: str(v) for k, v in (body.get("preconditions") or {}).items() if v}
    grace = body.get("gracePeriodSeconds", options.grace_period)
    policy = body.get("propagationPolicy") or options.propagation_policy
    if body.get("orphanDependents") is True and not policy:
        policy = "Orphan"
    dry_run = options.dry_run or "All" in (body.get("dryRun") or [])

    return replace(options, grace_period=grace, propagation_policy=policy, dry_run=dry_run), preconditions
