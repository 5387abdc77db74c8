"""Semantic validation, as the Kubernetes 1.32 API server runs it after decoding and defaulting.

Mirrors each registry strategy's ``Validate``/``ValidateUpdate`` (``pkg/apis/*/validation``):
``validate_create`` returns every ``FieldError`` for a new object, ``validate_update`` the
create rules for the new object plus the immutability rules. Field paths and wording are
upstream's, so ``new_invalid`` renders exactly what kubectl prints. Kinds without rules
here only get ObjectMeta checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubelearn.cluster.errors import FieldError
from kubelearn.cluster.kinds import lookup

from . import apps, autoscaling, batch, config, other, pod, service, storage
from .meta import as_dict, validate_object_meta, validate_object_meta_update

Obj = dict[str, Any]
CreateFn = Callable[[Obj], list[FieldError]]
UpdateFn = Callable[[Obj, Obj], list[FieldError]]

_CREATE: dict[str, CreateFn] = {
    "Pod": pod.validate_pod,
    "Deployment": apps.validate_deployment,
    "ReplicaSet": apps.validate_replica_set,
    "Service": service.validate_service,
    "ConfigMap": config.validate_config_map,
    "Secret": config.validate_secret,
    "Job": batch.validate_job,
    "HorizontalPodAutoscaler": autoscaling.validate_hpa,
    "PersistentVolumeClaim": storage.validate_pvc,
    "PersistentVolume": storage.validate_pv,
    "Namespace": other.validate_namespace,
    "Node": other.validate_node,
    "ServiceAccount": other.validate_service_account,
    "Event": other.validate_event,
    "Endpoints": other.validate_endpoints,
}

_UPDATE: dict[str, UpdateFn] = {
    "Pod": pod.validate_pod_update,
    "Deployment": apps.validate_deployment_update,
    "ReplicaSet": apps.validate_replica_set_update,
    "Service": service.validate_service_update,
    "ConfigMap": config.validate_config_map_update,
    "Secret": config.validate_secret_update,
    "Job": batch.validate_job_update,
    "PersistentVolumeClaim": storage.validate_pvc_update,
    "PersistentVolume": storage.validate_pv_update,
    "Namespace": other.validate_namespace_update,
}


def _namespaced(obj: Obj) -> bool:
    info = lookup(str(obj.get("apiVersion") or ""), str(obj.get("kind") or ""))
    return info.namespaced if info is not None else bool(as_dict(obj.get("metadata")).get("namespace"))


def validate_create(obj: Obj) -> list[FieldError]:
    """Every validation error for a new (decoded, defaulted) object."""
    fn = _CREATE.get(str(obj.get("kind") or ""))
    if fn is not None:
        return fn(obj)
    return validate_object_meta(obj.get("metadata"), _namespaced(obj))


def validate_update(new: Obj, old: Obj) -> list[FieldError]:
    """The create rules for ``new`` plus the immutability rules against ``old``."""
    kind = str(new.get("kind") or "")
    fn = _UPDATE.get(kind)
    if fn is not None:
        return fn(new, old)
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    return errs + validate_create(new)


__all__ = ["validate_create", "validate_update"]
