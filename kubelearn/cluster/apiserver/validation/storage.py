"""PersistentVolume and PersistentVolumeClaim validation from ``pkg/apis/core/validation`` (1.32).

Mirrors ``ValidatePersistentVolumeClaimSpec`` (access modes, storage request > 0, volume
mode, selector), ``ValidatePersistentVolumeClaimUpdate`` (spec immutable except
``resources.requests``/``volumeName``; no shrinking), ``ValidatePersistentVolumeSpec``
(access modes, capacity with only ``storage``, exactly one volume source, reclaim policy)
and the PV source immutability. The ``cmp.Diff`` suffix of the immutability messages is
omitted; the ResourceList in ``spec.capacity`` errors is shown in a compact Go form.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from kubelearn.cluster.apiserver.quantity import canonical, parse_quantity
from kubelearn.cluster.errors import FieldError, GoValue, forbidden, invalid, not_supported, required

from . import names
from .meta import (
    as_dict,
    as_list,
    semantic_equal,
    validate_immutable,
    validate_label_selector,
    validate_object_meta,
    validate_object_meta_update,
)

ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
VOLUME_MODES = ["Block", "Filesystem"]
RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
PV_SOURCES = (
    "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd", "quobyte",
    "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk",
    "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi",
)  # fmt: skip
PVC_IMMUTABLE = (
    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
)


def _positive_quantity(value: Any, path: str) -> list[FieldError]:
    try:
        amount = parse_quantity(value)
    except (ValueError, TypeError, ArithmeticError):
        return []
    if amount <= 0:
        return [invalid(path, canonical(value), "must be greater than zero")]
    return []


def _access_mode_errors(modes: Any, path: str, detail: str) -> list[FieldError]:
    modes = as_list(modes)
    errs: list[FieldError] = []
    if not modes:
        errs.append(required(path, detail))
    rwop = other = False
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.append(not_supported(path, mode, ACCESS_MODES))
        elif mode == "ReadWriteOncePod":
            rwop = True
        else:
            other = True
    if rwop and other:
        errs.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def _class_name_errors(spec: dict, path: str) -> list[FieldError]:
    name = spec.get("storageClassName") or ""
    return [invalid(path, name, m) for m in names.is_dns1123_subdomain(name)] if name else []


def validate_pvc_spec(spec: dict, path: str) -> list[FieldError]:
    errs = _access_mode_errors(spec.get("accessModes"), f"{path}.accessModes", "at least 1 access mode is required")
    if spec.get("selector") is not None:
        errs.extend(validate_label_selector(spec["selector"], f"{path}.selector"))
    requests = as_dict(as_dict(spec.get("resources")).get("requests"))
    if "storage" not in requests:
        errs.append(required(f"{path}.resources[storage]"))
    else:
        errs.extend(_positive_quantity(requests["storage"], f"{path}.resources[storage]"))
    errs.extend(_class_name_errors(spec, f"{path}.storageClassName"))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        errs.append(not_supported(f"{path}.volumeMode", mode, VOLUME_MODES))
    return errs


def validate_pvc(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    errs.extend(validate_pvc_spec(as_dict(obj.get("spec")), "spec"))
    return errs


def _storage(obj: dict) -> Any:
    return as_dict(as_dict(as_dict(obj.get("spec")).get("resources")).get("requests")).get("storage")


def validate_pvc_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(validate_pvc(new))
    new_spec, old_spec = dict(as_dict(new.get("spec"))), dict(as_dict(old.get("spec")))
    if not old_spec.get("volumeName"):
        old_spec["volumeName"] = new_spec.get("volumeName")
    if not old_spec.get("storageClassName") and new_spec.get("storageClassName"):
        new_spec["storageClassName"] = old_spec.get("storageClassName")
    if as_dict(new.get("status")).get("phase") == "Bound":
        resources = dict(as_dict(new_spec.get("resources")))
        resources["requests"] = {**as_dict(resources.get("requests")), "storage": _storage(old)}
        new_spec["resources"] = resources
    if not semantic_equal(new_spec, old_spec):
        errs.append(forbidden("spec", PVC_IMMUTABLE))
    try:
        shrunk = parse_quantity(_storage(new)) < parse_quantity(_storage(old))
    except (ValueError, TypeError, ArithmeticError):
        shrunk = False
    if shrunk:
        errs.append(forbidden("spec.resources.requests.storage", "field can not be less than previous value"))
    return errs


def _go_resource_list(capacity: dict) -> GoValue:
    items = ", ".join(f"{json.dumps(str(k))}:{json.dumps(str(v))}" for k, v in sorted(capacity.items()))
    return GoValue("core.ResourceList{" + items + "}")


def validate_pv_spec(spec: dict, path: str) -> list[FieldError]:
    errs = _access_mode_errors(spec.get("accessModes"), f"{path}.accessModes", "")
    capacity = as_dict(spec.get("capacity"))
    if not capacity:
        errs.append(required(f"{path}.capacity"))
    if "storage" not in capacity or len(capacity) > 1:
        errs.append(not_supported(f"{path}.capacity", _go_resource_list(capacity), ["storage"]))
    for key, value in sorted(capacity.items()):
        errs.extend(_positive_quantity(value, f"{path}.capacity[{key}]"))
    policy = spec.get("persistentVolumeReclaimPolicy") or ""
    if policy and policy not in RECLAIM_POLICIES:
        errs.append(not_supported(f"{path}.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES))
    errs.extend(_class_name_errors(spec, f"{path}.storageClassName"))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        errs.append(not_supported(f"{path}.volumeMode", mode, VOLUME_MODES))
    count = 0
    for key in PV_SOURCES:
        if spec.get(key) is None:
            continue
        if count:
            errs.append(forbidden(f"{path}.{key}", "may not specify more than 1 volume type"))
            continue
        count += 1
        source = as_dict(spec[key])
        if key in ("hostPath", "local") and not source.get("path"):
            errs.append(required(f"{path}.{key}.path"))
        if key == "nfs":
            if not source.get("server"):
                errs.append(required(f"{path}.nfs.server"))
            if not source.get("path"):
                errs.append(required(f"{path}.nfs.path"))
    if count == 0:
        errs.append(required(path, "must specify a volume type"))
    host_path = as_dict(spec.get("hostPath")).get("path")
    if host_path and posixpath.normpath(host_path) == "/" and policy == "Recycle":
        errs.append(
            forbidden(f"{path}.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of '/'")
        )
    return errs


def validate_pv(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), False)
    errs.extend(validate_pv_spec(as_dict(obj.get("spec")), "spec"))
    return errs


def validate_pv_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(validate_pv(new))
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    new_src = {k: new_spec.get(k) for k in PV_SOURCES if new_spec.get(k) is not None}
    old_src = {k: old_spec.get(k) for k in PV_SOURCES if old_spec.get(k) is not None}
    if not semantic_equal(new_src, old_src):
        errs.append(forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"))
    errs.extend(validate_immutable(new_spec.get("volumeMode"), old_spec.get("volumeMode"), "volumeMode"))
    return errs
