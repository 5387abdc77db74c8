"""Defaulting: what kube-apiserver fills in after decoding and before validation.

Mirrors the generated defaulters of ``pkg/apis/{core,apps,batch,autoscaling}/v1|v2/defaults.go``
(1.32) plus the few create-time fills that live in registry strategies
(``PrepareForCreate``: a Namespace gets the ``kubernetes`` finalizer). Defaulting runs on
every write, so every rule only fills what is missing; create-only rules run when
``creating`` is true (by default: the object has no ``metadata.uid`` yet).

Not here, because upstream does them elsewhere: clusterIP/nodePort allocation (the Service
registry), the ServiceAccount token volume, priority and default tolerations (admission
plugins), Job selectors and ``controller-uid`` labels (the Job registry, which needs the uid),
``status`` resets (``strategy.py``). Secret ``stringData`` is folded into ``data`` by
``decode.py``, where upstream's v1→internal conversion does it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .kinds import (
    default_deployment,
    default_endpoints,
    default_hpa,
    default_job,
    default_namespace,
    default_node,
    default_pv,
    default_pvc,
    default_replicaset,
    default_secret,
    default_service,
)
from .podspec import default_pod, image_tag

Obj = dict[str, Any]

DEFAULTERS: dict[str, Callable[[Obj, bool], None]] = {
    "Pod": lambda obj, creating: default_pod(obj),
    "Deployment": lambda obj, creating: default_deployment(obj),
    "ReplicaSet": lambda obj, creating: default_replicaset(obj),
    "Job": lambda obj, creating: default_job(obj),
    "Service": lambda obj, creating: default_service(obj),
    "Endpoints": lambda obj, creating: default_endpoints(obj),
    "Secret": lambda obj, creating: default_secret(obj),
    "PersistentVolume": lambda obj, creating: default_pv(obj),
    "PersistentVolumeClaim": lambda obj, creating: default_pvc(obj),
    "HorizontalPodAutoscaler": lambda obj, creating: default_hpa(obj),
    "Namespace": default_namespace,
    "Node": lambda obj, creating: default_node(obj),
}


def apply_defaults(obj: Obj, *, creating: bool | None = None) -> None:
    """Fill upstream's defaults into a decoded object, in place (idempotent)."""
    defaulter = DEFAULTERS.get(obj.get("kind", ""))
    if defaulter is None:
        return
    if creating is None:
        creating = not (obj.get("metadata") or {}).get("uid")
    defaulter(obj, creating)


__all__ = ["DEFAULTERS", "apply_defaults", "image_tag"]
