"""Per-sandbox limits, refused with the ResourceQuota admission plugin's own 403 wording.

Mirrors ``staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go``
(``checkRequest``): a create that would push usage past ``hard`` fails with::

    pods "web-1" is forbidden: exceeded quota: sandbox-quota, requested: pods=1, used: pods=60, limited: pods=60

Resource names follow upstream: the standard object counts (``pods``, ``services``,
``configmaps``, ``secrets``, ``persistentvolumeclaims``, ``replicationcontrollers``,
``resourcequotas``) and ``count/<resource>[.<group>]`` for every other kind.

Simplifications: one quota for the whole sandbox (not per namespace), only creates are
checked (the core calls quota hooks on create), and the store size is an invented resource,
``kubelearn.io/store-bytes`` (the JSON size of every object except Events, which the core
writes itself and dedupes). A Deployment asking for 10000 replicas is stopped by the pod
count: the ReplicaSet controller records ``FailedCreate`` with this message, as upstream does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import new_forbidden
from kubelearn.cluster.kinds import BY_KIND
from kubelearn.cluster.objects import Obj, key_of
from kubelearn.cluster.store import DELETED, Store, WatchEvent

QUOTA_NAME = "sandbox-quota"
STORE_BYTES = "kubelearn.io/store-bytes"
STANDARD_COUNTS = {
    "Pod": "pods",
    "Service": "services",
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "PersistentVolumeClaim": "persistentvolumeclaims",
    "ReplicationController": "replicationcontrollers",
    "ResourceQuota": "resourcequotas",
}
TERMINAL_PHASES = ("Succeeded", "Failed")
UNCOUNTED_KINDS = ("Event",)


@dataclass(frozen=True, slots=True)
class Limits:
    objects_per_kind: int = 100
    pods: int = 60
    store_bytes: int = 2 * 1024 * 1024


def resource_name(kind: str) -> str:
    """The quota resource that counts objects of ``kind`` (``pods``, ``count/deployments.apps``)."""
    if kind in STANDARD_COUNTS:
        return STANDARD_COUNTS[kind]
    info = BY_KIND.get(kind)
    plural = info.plural if info else kind.lower() + "s"
    return f"count/{plural}.{info.group}" if info and info.group else f"count/{plural}"


def quantity(value: int) -> str:
    """``resource.Quantity.String()`` for a byte count in BinarySI form (2097152 -> ``2Mi``)."""
    for suffix, factor in (("Ei", 1 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20)):
        if value and value % factor == 0:
            return f"{value // factor}{suffix}"
    if value and value % 1024 == 0:
        return f"{value // 1024}Ki"
    return str(value)


def admission_name(obj: Obj) -> str:
    """The name admission reports: ``generateName`` while the server had not yet named the object.

    Upstream, admission runs before the registry generates the name, so a ReplicaSet's pods are
    refused as ``pods "web-5c689d88bb-"``; the core names objects earlier, so undo that here.
    """
    meta = obj.get("metadata") or {}
    name, generate = str(meta.get("name", "")), str(meta.get("generateName", ""))
    return generate if generate and name.startswith(generate) else name


def exceeded(obj: Obj, resource: str, requested: str, used: str, limited: str) -> Exception:
    info = BY_KIND.get(str(obj.get("kind", "")))
    why = (
        f"exceeded quota: {QUOTA_NAME}, requested: {resource}={requested}, "
        f"used: {resource}={used}, limited: {resource}={limited}"
    )
    return new_forbidden(info.group if info else "", info.plural if info else "", admission_name(obj), why)


def object_size(obj: Obj) -> int:
    return len(json.dumps(obj, separators=(",", ":"), default=str))


@dataclass(eq=False)
class SandboxQuota:
    """A store listener that tallies bytes, and the quota hook that refuses creates."""

    limits: Limits
    sizes: dict[tuple[str, str, str], int] = field(default_factory=dict)
    total: int = 0

    def prime(self, store: Store) -> None:
        for obj in store.iter_kind_all():
            self._set(key_of(obj), obj)

    def _set(self, key: tuple[str, str, str], obj: Obj | None) -> None:
        size = object_size(obj) if obj is not None and key[0] not in UNCOUNTED_KINDS else 0
        self.total += size - self.sizes.pop(key, 0)
        if size:
            self.sizes[key] = size

    def on_event(self, event: WatchEvent) -> None:
        self._set(key_of(event.object), None if event.type == DELETED else event.object)

    def __call__(self, store: Store, obj: Obj) -> None:
        kind = str(obj.get("kind", ""))
        if kind in UNCOUNTED_KINDS:
            return
        resource = resource_name(kind)
        if kind == "Pod":
            used = sum(1 for p in store.iter_kind("Pod") if (p.get("status") or {}).get("phase") not in TERMINAL_PHASES)
            limit = min(self.limits.pods, self.limits.objects_per_kind)
        else:
            used, limit = store.count(kind), self.limits.objects_per_kind
        if used + 1 > limit:
            raise exceeded(obj, resource, "1", str(used), str(limit))
        size = object_size(obj)
        if self.total + size > self.limits.store_bytes:
            raise exceeded(obj, STORE_BYTES, quantity(size), quantity(self.total), quantity(self.limits.store_bytes))


def install(cluster: Cluster, limits: Limits | None = None) -> SandboxQuota:
    """Attach the sandbox quota to a cluster (replacing an earlier one); returns it."""
    cluster.api.quota_hooks[:] = [h for h in cluster.api.quota_hooks if not isinstance(h, SandboxQuota)]
    cluster.store.listeners[:] = [
        f for f in cluster.store.listeners if not isinstance(getattr(f, "__self__", None), SandboxQuota)
    ]
    quota = SandboxQuota(limits or Limits())
    quota.prime(cluster.store)
    cluster.store.listeners.append(quota.on_event)
    cluster.api.quota_hooks.append(quota)
    return quota
