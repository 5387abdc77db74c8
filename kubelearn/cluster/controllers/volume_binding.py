"""The PersistentVolume controller, in miniature: bind claims to volumes, or provision one.

Mirrors kube-controller-manager's ``persistentvolume-binder`` plus kind's default
``standard`` StorageClass (rancher.io/local-path): a Pending PersistentVolumeClaim is bound
to the smallest Available PersistentVolume that matches its class, access modes and size;
failing that, a claim of class ``standard`` (the default when none is given) gets a new
volume ``pvc-<claim uid>``; any other class reports ``ProvisioningFailed`` and stays
Pending. Deleting a claim deletes (reclaim policy Delete) or releases (Retain) its volume.
Simplified: binding is immediate (no WaitForFirstConsumer), no pvc-protection finalizer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from ..apiserver.events import NORMAL, WARNING
from ..apiserver.quantity import value
from ..errors import StatusError
from ..objects import Key, Obj, clone, key_of, name_of, namespace_of, uid_of
from ..store import DELETED, WatchEvent
from .base import Context, Result

NAME = "persistentvolume-binder"
WATCHES = ("PersistentVolumeClaim", "PersistentVolume")
DEFAULT_CLASS = "standard"
PROVISIONER = "rancher.io/local-path"
COMPONENT = "persistentvolume-controller"


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    obj = event.object
    if event.kind == "PersistentVolumeClaim":
        if event.type == DELETED:
            return [("PersistentVolume", "", pv) for pv in _volumes_of_claim(ctx, obj)]
        if (obj.get("status") or {}).get("phase") != "Bound":
            return [key_of(obj)]
        return []
    if event.type != DELETED and (obj.get("status") or {}).get("phase") in (None, "Pending", "Available"):
        keys = [key_of(obj)]
        keys += [key_of(pvc) for pvc in ctx.store.iter_kind("PersistentVolumeClaim") if _pending(pvc)]
        return keys
    return []


def _pending(pvc: Obj) -> bool:
    return (pvc.get("status") or {}).get("phase") != "Bound"


def _volumes_of_claim(ctx: Context, pvc: Obj) -> list[str]:
    uid = uid_of(pvc)
    return [
        name_of(pv)
        for pv in ctx.store.iter_kind("PersistentVolume")
        if ((pv.get("spec") or {}).get("claimRef") or {}).get("uid") == uid
    ]


def _size(obj: Obj, path: str) -> int:
    section = (
        (obj.get("spec") or {}).get("resources", {}).get("requests", {})
        if path == "request"
        else (obj.get("spec") or {}).get("capacity", {})
    )
    try:
        return value(section.get("storage", "0"))
    except (ValueError, ArithmeticError):
        return 0


def reconcile(ctx: Context, key: Key) -> Result:
    if key[0] == "PersistentVolume":
        return _reconcile_volume(ctx, key)
    pvc = ctx.store.peek(*key)
    if pvc is None or not _pending(pvc) or pvc["metadata"].get("deletionTimestamp"):
        return Result()
    spec = pvc.get("spec") or {}
    cls = spec.get("storageClassName")
    wanted_class = DEFAULT_CLASS if cls is None else cls
    modes = set(spec.get("accessModes") or [])
    request = _size(pvc, "request")
    candidates = []
    for pv in ctx.store.iter_kind("PersistentVolume"):
        pv_spec = pv.get("spec") or {}
        ref = pv_spec.get("claimRef") or {}
        if ref and (ref.get("namespace"), ref.get("name")) != (namespace_of(pvc), name_of(pvc)):
            continue
        if (pv.get("status") or {}).get("phase") not in (None, "Pending", "Available") or pv["metadata"].get(
            "deletionTimestamp"
        ):
            continue
        if (pv_spec.get("storageClassName") or "") != (wanted_class or "") or not modes <= set(
            pv_spec.get("accessModes") or []
        ):
            continue
        if spec.get("volumeName") and spec["volumeName"] != name_of(pv):
            continue
        if _size(pv, "capacity") >= request:
            candidates.append((_size(pv, "capacity"), name_of(pv), pv))
    if candidates:
        _bind(ctx, pvc, min(candidates, key=lambda c: (c[0], c[1]))[2], provisioned=False)
        return Result()
    if not wanted_class:
        ctx.events.record(
            pvc,
            NORMAL,
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            COMPONENT,
        )
        return Result()
    if wanted_class != DEFAULT_CLASS:
        ctx.events.record(
            pvc, WARNING, "ProvisioningFailed", f'storageclass.storage.k8s.io "{wanted_class}" not found', COMPONENT
        )
        return Result()
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": f"pvc-{uid_of(pvc)}",
            "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER},
        },
        "spec": {
            "capacity": {"storage": (spec.get("resources") or {}).get("requests", {}).get("storage", "1Gi")},
            "accessModes": list(spec.get("accessModes") or ["ReadWriteOnce"]),
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": DEFAULT_CLASS,
            "volumeMode": spec.get("volumeMode", "Filesystem"),
            "hostPath": {
                "path": f"/var/local-path-provisioner/pvc-{uid_of(pvc)}_{namespace_of(pvc)}_{name_of(pvc)}",
                "type": "DirectoryOrCreate",
            },
        },
    }
    try:
        created, _ = ctx.api.create(pv, trusted=True)
    except StatusError:
        return Result()
    ctx.events.record(
        pvc,
        NORMAL,
        "ProvisioningSucceeded",
        f"Successfully provisioned volume {name_of(created)}",
        f"{PROVISIONER}_local-path-provisioner",
    )
    _bind(ctx, pvc, created, provisioned=True)
    return Result()


def _bind(ctx: Context, pvc: Obj, pv: Obj, provisioned: bool) -> None:
    volume = clone(pv)
    volume["spec"]["claimRef"] = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": name_of(pvc),
        "namespace": namespace_of(pvc),
        "uid": uid_of(pvc),
        "resourceVersion": pvc["metadata"].get("resourceVersion"),
    }
    volume["status"] = {"phase": "Bound"}
    volume["metadata"].pop("resourceVersion", None)
    ctx.api.update(volume, trusted=True)
    claim = clone(pvc)
    claim["metadata"].pop("resourceVersion", None)
    annotations = claim["metadata"].setdefault("annotations", {})
    annotations["pv.kubernetes.io/bind-completed"] = "yes"
    annotations["pv.kubernetes.io/bound-by-controller"] = "yes"
    if provisioned:
        annotations["volume.beta.kubernetes.io/storage-provisioner"] = PROVISIONER
        annotations["volume.kubernetes.io/storage-provisioner"] = PROVISIONER
    claim["spec"]["volumeName"] = name_of(pv)
    claim["spec"].setdefault("storageClassName", (pv.get("spec") or {}).get("storageClassName", DEFAULT_CLASS))
    claim["status"] = {
        "phase": "Bound",
        "accessModes": list((pv.get("spec") or {}).get("accessModes") or []),
        "capacity": dict((pv.get("spec") or {}).get("capacity") or {}),
    }
    ctx.api.update(claim, trusted=True)


def _reconcile_volume(ctx: Context, key: Key) -> Result:
    pv = ctx.store.peek(*key)
    if pv is None:
        return Result()
    ref = (pv.get("spec") or {}).get("claimRef") or {}
    phase = (pv.get("status") or {}).get("phase")
    if not ref:
        if phase in (None, "Pending"):
            volume = clone(pv)
            volume["status"] = {"phase": "Available"}
            volume["metadata"].pop("resourceVersion", None)
            ctx.api.update(volume, trusted=True)
        return Result()
    claim = ctx.store.peek("PersistentVolumeClaim", ref.get("namespace", ""), ref.get("name", ""))
    if claim is not None and uid_of(claim) == ref.get("uid"):
        return Result()
    if phase != "Bound" or not ref.get("uid"):
        return Result()
    if (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy") == "Delete":
        with contextlib.suppress(StatusError):
            ctx.api.delete("PersistentVolume", "", name_of(pv))
        return Result()
    volume = clone(pv)
    volume["status"] = {"phase": "Released"}
    volume["metadata"].pop("resourceVersion", None)
    ctx.api.update(volume, trusted=True)
    return Result()
