"""The REST verbs on one resource, translated to the core's APIServer calls.

Mirrors apiserver's ``endpoints/handlers`` (``get.go``, ``create.go``, ``update.go``,
``patch.go``, ``delete.go``) plus the ``status``, ``scale`` and ``eviction`` subresources'
REST storage. Each handler runs with the sandbox lock held and returns a ``Reply``; the
core raises ``StatusError`` with upstream's wording for everything that goes wrong.
Simplified: no pagination (``limit``/``continue`` answered with everything), and
server-side apply keeps no managedFields (it never reports conflicts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubelearn.cluster import Cluster
from kubelearn.cluster.apiserver import patch as patches
from kubelearn.cluster.errors import StatusError, new_bad_request, new_invalid, required
from kubelearn.cluster.objects import Obj
from kubelearn.cluster.printers import Printer

from . import tables
from .resources import Options, Target, with_delete_options
from .status import JSON, success

APPLY_PATCH = "application/apply-patch+yaml"
# Registries whose DELETE answers with the deleted object rather than a Status (ReturnDeletedObject).
RETURNS_DELETED_OBJECT = {"Pod", "Service", "Namespace", "PersistentVolume", "PersistentVolumeClaim"}
_COMMON_FIELDS = {"metadata.name", "metadata.namespace"}
FIELD_SELECTABLE: dict[str, set[str]] = {
    "Pod": {
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    },
    "Event": {
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    },
    "Secret": {"type"},
    "Namespace": {"status.phase"},
    "Node": {"spec.unschedulable"},
    "ReplicaSet": {"status.replicas"},
    "Job": {"status.successful"},
}


@dataclass(frozen=True, slots=True)
class Reply:
    data: Any
    status: int = 200
    warnings: tuple[str, ...] | list[str] = ()
    content_type: str = JSON
    extra: dict[str, str] = field(default_factory=dict)


def printer_for(cluster: Cluster) -> Printer:
    clock = cluster.clock
    return Printer(lambda stamp: clock.now - clock.parse(stamp))


def check_field_selector(target: Target, options: Options) -> None:
    """400 for fields the API server cannot select on, worded as upstream."""
    if not options.field_selector:
        return
    allowed = _COMMON_FIELDS | FIELD_SELECTABLE.get(target.info.kind, set())
    for term in options.field_selector.split(","):
        name = term.replace("!=", "=").replace("==", "=").partition("=")[0].strip()
        if name and name not in allowed:
            raise new_bad_request(f"field label not supported: {name}")


def list_objects(cluster: Cluster, target: Target, options: Options, as_table: bool) -> Reply:
    check_field_selector(target, options)
    items, revision = cluster.api.list(
        target.info.kind, target.namespace, options.label_selector, options.field_selector
    )
    if as_table:
        data = tables.table(printer_for(cluster), target.info.kind, items, str(revision), options.include_object)
        return Reply(data, content_type=tables.TABLE_CONTENT_TYPE)
    for item in items:
        item.pop("kind", None), item.pop("apiVersion", None)  # list items omit them, as upstream
    info = target.info
    meta = {"resourceVersion": str(revision)}
    return Reply({"kind": f"{info.kind}List", "apiVersion": info.api_version, "metadata": meta, "items": items})


def get_object(cluster: Cluster, target: Target, options: Options, as_table: bool) -> Reply:
    assert target.name is not None
    if target.subresource == "scale":
        return Reply(cluster.api.get_scale(target.info.kind, target.store_namespace, target.name))
    obj = cluster.api.get(target.info.kind, target.store_namespace, target.name)
    if as_table:
        data = tables.table(
            printer_for(cluster), target.info.kind, [obj], obj["metadata"]["resourceVersion"], options.include_object
        )
        return Reply(data, content_type=tables.TABLE_CONTENT_TYPE)
    return Reply(obj)


def _typed(body: Obj, target: Target) -> Obj:
    """Fill apiVersion/kind from the URL when absent; refuse a body meant for another resource."""
    info = target.info
    api_version, kind = body.setdefault("apiVersion", info.api_version), body.setdefault("kind", info.kind)
    if api_version != info.api_version or kind != info.kind:
        raise new_bad_request(
            f"the API version in the data ({api_version}) does not match the expected API version ({info.api_version})"
            if api_version != info.api_version
            else f"the kind in the data ({kind}) does not match the expected kind ({info.kind})"
        )
    return body


def create(cluster: Cluster, target: Target, options: Options, body: Obj) -> Reply:
    obj, warnings = cluster.api.create(
        _typed(body, target),
        namespace=target.namespace,
        dry_run=options.dry_run,
        field_validation=options.field_validation,
    )
    return Reply(obj, 201, warnings)


def update(cluster: Cluster, target: Target, options: Options, body: Obj) -> Reply:
    assert target.name is not None
    if target.subresource == "scale":
        replicas = (body.get("spec") or {}).get("replicas", 0)
        return Reply(
            cluster.api.set_scale(target.info.kind, target.store_namespace, target.name, replicas, options.dry_run)
        )
    obj = _typed(body, target)
    name = (obj.get("metadata") or {}).get("name")
    if name != target.name:
        raise new_bad_request(f"the name of the object ({name}) does not match the name on the URL ({target.name})")
    result, warnings = cluster.api.update(
        obj,
        namespace=target.namespace,
        subresource="status" if target.subresource == "status" else None,
        dry_run=options.dry_run,
        field_validation=options.field_validation,
    )
    return Reply(result, 200, warnings)


def patch(cluster: Cluster, target: Target, options: Options, body: Any, content_type: str) -> Reply:
    assert target.name is not None
    kind, ns = target.info.kind, target.store_namespace
    if target.subresource == "scale":
        return _patch_scale(cluster, target, options, body, content_type)
    existed = cluster.store.peek(kind, ns, target.name) is not None
    if content_type == APPLY_PATCH:
        if not options.field_manager:
            raise new_invalid(
                "meta.k8s.io", "PatchOptions", "", [required("fieldManager", "is required for apply patch")]
            )
        if isinstance(body, dict):
            body = _typed(body, target)
    obj, warnings = cluster.api.patch(
        kind,
        ns,
        target.name,
        body,
        content_type,
        subresource="status" if target.subresource == "status" else None,
        dry_run=options.dry_run,
        field_validation=options.field_validation,
        field_manager=options.field_manager,
        force=options.force,
    )
    return Reply(obj, 200 if existed else 201, warnings)


def _patch_scale(cluster: Cluster, target: Target, options: Options, body: Any, content_type: str) -> Reply:
    assert target.name is not None
    kind, ns = target.info.kind, target.store_namespace
    current = cluster.api.get_scale(kind, ns, target.name)
    try:
        patched = patches.apply_patch(content_type, current, body)
    except patches.PatchError as exc:
        raise exc.status_error() from exc
    replicas = (patched.get("spec") or {}).get("replicas", 0) if isinstance(patched, dict) else None
    return Reply(cluster.api.set_scale(kind, ns, target.name, replicas, options.dry_run))


def delete(cluster: Cluster, target: Target, options: Options, body: Obj | None) -> Reply:
    assert target.name is not None
    options, preconditions = with_delete_options(options, body)
    info, ns = target.info, target.store_namespace
    obj = cluster.api.delete(
        info.kind,
        ns,
        target.name,
        propagation=options.propagation_policy,
        grace_period=options.grace_period,
        dry_run=options.dry_run,
        preconditions=preconditions,
    )
    still_there = cluster.store.peek(info.kind, ns, target.name) is not None
    if still_there or options.dry_run or info.kind in RETURNS_DELETED_OBJECT:
        return Reply(obj)
    details = {"name": target.name, "kind": info.plural, "uid": obj["metadata"].get("uid", "")}
    if info.group:
        details["group"] = info.group
    return Reply(success(details))


def delete_collection(cluster: Cluster, target: Target, options: Options, body: Obj | None) -> Reply:
    check_field_selector(target, options)
    info = target.info
    items, _ = cluster.api.list(info.kind, target.namespace, options.label_selector, options.field_selector)
    options, preconditions = with_delete_options(options, body)
    deleted = []
    for item in items:
        meta = item["metadata"]
        deleted.append(
            cluster.api.delete(
                info.kind,
                meta.get("namespace", ""),
                meta["name"],
                propagation=options.propagation_policy,
                grace_period=options.grace_period,
                dry_run=options.dry_run,
                preconditions=preconditions,
            )
        )
    meta = {"resourceVersion": str(cluster.store.revision)}
    return Reply({"kind": f"{info.kind}List", "apiVersion": info.api_version, "metadata": meta, "items": deleted})


def evict(cluster: Cluster, target: Target, options: Options, body: Obj) -> Reply:
    """POST pods/<name>/eviction: a graceful delete (no PodDisruptionBudgets to consult here)."""
    assert target.name is not None
    if body.get("kind") not in (None, "Eviction"):
        raise new_bad_request(f"the kind in the data ({body.get('kind')}) does not match the expected kind (Eviction)")
    name = (body.get("metadata") or {}).get("name")
    if name and name != target.name:
        raise new_bad_request(f"name in URL does not match name in Eviction object: {target.name} vs {name}")
    delete(cluster, target, options, body.get("deleteOptions"))
    return Reply(success(), 201)


def access_review(body: Obj) -> Reply:
    """``kubectl auth can-i``: a sandbox's owner may do anything in it."""
    if body.get("kind") != "SelfSubjectAccessReview":
        raise StatusError(400, "BadRequest", "expected a SelfSubjectAccessReview")
    review = {
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": body.get("spec") or {},
        "status": {"allowed": True, "reason": "the sandbox owner may do anything in their sandbox"},
    }
    return Reply(review, 201)
